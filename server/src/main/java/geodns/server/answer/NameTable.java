package geodns.server.answer;

import java.util.Arrays;
import java.util.Map;

/**
 * An open-addressing hash table from lower-case wire names to nodes, looked up by a slice of the query's name
 * buffer so that finding a name, or any suffix of it, allocates nothing.
 */
final class NameTable {
    private final byte[][] keys;
    private final NameNode[] nodes;
    private final int mask;

    NameTable(Map<byte[], NameNode> entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2) - 1) << 1;
        keys = new byte[capacity][];
        nodes = new NameNode[capacity];
        mask = capacity - 1;
        entries.forEach(this::put);
    }

    private void put(byte[] key, NameNode node) {
        int slot = hash(key, 0, key.length) & mask;
        while (keys[slot] != null && !Arrays.equals(keys[slot], key)) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        nodes[slot] = node;
    }

    /** The node for name[from, to), or null. */
    NameNode get(byte[] name, int from, int to) {
        int slot = hash(name, from, to) & mask;
        byte[] key;
        while ((key = keys[slot]) != null) {
            if (Arrays.equals(key, 0, key.length, name, from, to)) {
                return nodes[slot];
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
