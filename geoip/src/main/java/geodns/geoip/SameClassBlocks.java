package geodns.geoip;

import com.maxmind.db.SearchTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * One family's address space cut into the widest aligned blocks over which a classification of places (a geo
 * name's ranking, say) classes every address alike: neighbouring networks of the same class are merged, as gdnsd
 * merges neighbouring networks with the same result, and addresses the database does not place are classed as a
 * null place (they get the unknown order). Made by one walk of the database's search tree ({@link
 * GeoDatabase#sameClassBlocks}); immutable.
 *
 * <p>Blocks are cut no finer than a {@code cap}: a block of {@code cap} bits whose addresses differ below it is
 * {@link #MIXED}, as is the IPv4 space inside an IPv6 tree (::/96 and its aliases, looked up as IPv4 instead).
 */
public final class SameClassBlocks {
    /** The class of a block whose addresses are not all classed alike. */
    public static final int MIXED = -1;

    private final long[] starts;    // each block's first address, left-aligned in 64 bits, sign bit flipped
    private final byte[] prefixes;
    private final int[] classes;
    private final boolean ipv4;

    private SameClassBlocks(long[] starts, byte[] prefixes, int[] classes, boolean ipv4) {
        this.starts = starts;
        this.prefixes = prefixes;
        this.classes = classes;
        this.ipv4 = ipv4;
    }

    /** The block holding an address (IPv4: its first four bytes; IPv6: its first eight are enough). */
    public int block(byte[] address) {
        long key = 0;
        int bytes = ipv4 ? 4 : 8;
        for (int i = 0; i < bytes; i++) {
            key = key << 8 | (address[i] & 0xff);
        }
        key <<= 64 - 8 * bytes;
        int found = Arrays.binarySearch(starts, key ^ Long.MIN_VALUE);
        return found >= 0 ? found : -found - 2;   // the blocks cover the space from its first address
    }

    /** The block's prefix length: every address it holds is classed {@link #classOf} (unless that is MIXED). */
    public int prefix(int block) {
        return prefixes[block];
    }

    public int classOf(int block) {
        return classes[block];
    }

    /** How many blocks cover the space. */
    public int size() {
        return starts.length;
    }

    /**
     * Walks one family's search tree, depth first, once for every classifier at the same time: a subtree whose two
     * halves are each one block of the same class becomes one block, so each block is written when its subtree is
     * done, in address order, and merged halves are taken back off the end.
     */
    static List<SameClassBlocks> walk(SearchTree tree, boolean ipv4, int cap,
                                      List<ToIntFunction<GeoPlace>> classifiers) throws IOException {
        return new Walk(tree, ipv4, cap, classifiers).run();
    }

    private static final class Walk {
        private final SearchTree tree;
        private final boolean ipv4;
        private final int cap;
        private final int bits;
        private final int nodeCount;
        private final int opaque;   // the IPv4 start node of an IPv6 tree, seen from IPv6; -1 when none
        private final List<ToIntFunction<GeoPlace>> classifiers;
        private final Map<Integer, int[]> byRecord = new HashMap<>();
        private final Builder[] out;
        private final int[][] left;
        private final int[][] right;

        Walk(SearchTree tree, boolean ipv4, int cap, List<ToIntFunction<GeoPlace>> classifiers) {
            this.tree = tree;
            this.ipv4 = ipv4;
            this.cap = cap;
            this.bits = ipv4 ? 32 : 128;
            this.nodeCount = tree.nodeCount();
            this.opaque = !ipv4 && tree.ipVersion() == 6 && tree.ipv4Start() < nodeCount ? tree.ipv4Start() : -1;
            this.classifiers = List.copyOf(classifiers);
            this.out = new Builder[classifiers.size()];
            Arrays.setAll(out, i -> new Builder());
            this.left = new int[bits + 1][classifiers.size()];
            this.right = new int[bits + 1][classifiers.size()];
        }

        List<SameClassBlocks> run() throws IOException {
            int root = ipv4 && tree.ipVersion() == 6 ? tree.ipv4Start() : 0;
            visit(root, 0, 0, new int[classifiers.size()]);
            List<SameClassBlocks> blocks = new ArrayList<>(out.length);
            for (Builder b : out) {
                blocks.add(b.build(ipv4));
            }
            return blocks;
        }

        /** Classes the subtree of {@code record} at {@code depth} into {@code classes}, writing its blocks. */
        private void visit(int record, int depth, long start, int[] classes) throws IOException {
            if (record >= nodeCount) {
                System.arraycopy(classesOf(record), 0, classes, 0, classes.length);
            } else if (record == opaque && depth > 0 || depth == bits) {
                Arrays.fill(classes, MIXED);
            } else {
                int[] l = left[depth];
                int[] r = right[depth];
                visit(tree.record(record, 0), depth + 1, start, l);
                visit(tree.record(record, 1), depth + 1, depth < 64 ? start | 1L << (63 - depth) : start, r);
                for (int g = 0; g < classes.length; g++) {
                    boolean same = l[g] == r[g] && l[g] != MIXED;
                    if (same && depth < cap) {
                        out[g].pop(2);   // the halves' blocks, written when each was done
                    }
                    classes[g] = same ? l[g] : MIXED;
                }
            }
            if (depth <= cap) {
                for (int g = 0; g < classes.length; g++) {
                    // A mixed subtree above the cap has written its blocks below; one at the cap is one block.
                    if (classes[g] != MIXED || depth == cap || record == opaque && record >= 0) {
                        out[g].add(start, depth, classes[g]);
                    }
                }
            }
        }

        private int[] classesOf(int record) throws IOException {
            int[] known = byRecord.get(record);
            if (known == null) {
                GeoPlace place = record == nodeCount ? null
                        : MmdbRecord.toPlace(tree.data(record, MmdbRecord.Data.class));
                known = new int[classifiers.size()];
                for (int g = 0; g < known.length; g++) {
                    known[g] = classifiers.get(g).applyAsInt(place);
                }
                byRecord.put(record, known);
            }
            return known;
        }
    }

    private static final class Builder {
        private long[] starts = new long[64];
        private byte[] prefixes = new byte[64];
        private int[] classes = new int[64];
        private int size;

        void add(long start, int prefix, int cls) {
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                prefixes = Arrays.copyOf(prefixes, size * 2);
                classes = Arrays.copyOf(classes, size * 2);
            }
            starts[size] = start ^ Long.MIN_VALUE;
            prefixes[size] = (byte) prefix;
            classes[size] = cls;
            size++;
        }

        void pop(int n) {
            size -= n;
        }

        SameClassBlocks build(boolean ipv4) {
            return new SameClassBlocks(Arrays.copyOf(starts, size), Arrays.copyOf(prefixes, size),
                    Arrays.copyOf(classes, size), ipv4);
        }
    }
}
