package geodns.geoip;

import com.maxmind.db.SearchTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * One family's widest aligned blocks over which a classification of places (a geo name's ranking, say) classes
 * every address alike, where they are wider than the database network they hold: neighbouring networks of the same
 * class merged, as gdnsd merges neighbouring networks with the same result, with the addresses the database does
 * not place classed as a null place (they get the unknown order). Made by one walk of the database's search tree
 * ({@link GeoDatabase#sameClassBlocks}); immutable.
 *
 * <p>Only merged blocks are kept, and only those wider than a {@code cap}: an address in none of them is classed
 * alike over its own network only, or over the cap (the finest any answer is decided for). That keeps the table to
 * the blocks that widen something: kept whole, the embedded DB's IPv4 and IPv6 blocks took 12 MiB per geo name.
 * The IPv4 space inside an IPv6 tree (::/96 and its aliases) is never merged over; it is looked up as IPv4.
 */
public final class SameClassBlocks {
    /** The class of a subtree whose addresses are not all classed alike (never kept). */
    static final int MIXED = -1;

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

    /**
     * The merged block holding an address (IPv4: its first four bytes; IPv6: its first eight are enough), or -1
     * when it is in none.
     */
    public int block(byte[] address) {
        long key = 0;
        int bytes = ipv4 ? 4 : 8;
        for (int i = 0; i < bytes; i++) {
            key = key << 8 | (address[i] & 0xff);
        }
        key <<= 64 - 8 * bytes;
        int found = Arrays.binarySearch(starts, key ^ Long.MIN_VALUE);
        int block = found >= 0 ? found : -found - 2;
        if (block < 0) {
            return -1;
        }
        int prefix = prefixes[block];
        long start = starts[block] ^ Long.MIN_VALUE;
        return prefix == 0 || (key ^ start) >>> (64 - prefix) == 0 ? block : -1;
    }

    /** The block's prefix length: every address it holds is classed {@link #classOf}. */
    public int prefix(int block) {
        return prefixes[block];
    }

    public int classOf(int block) {
        return classes[block];
    }

    /** The block's first address, left-aligned in 64 bits (for tests). */
    long start(int block) {
        return starts[block] ^ Long.MIN_VALUE;
    }

    /** How many merged blocks there are. */
    public int size() {
        return starts.length;
    }

    /**
     * Walks one family's search tree, depth first, once for every classifier at the same time: a subtree whose two
     * halves are of one class is of that class, and a merged subtree is kept as a block where its parent is not.
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
        private final RecordClasses byRecord;
        private final java.util.Map<GeoPlace, int[]> byPlace = new java.util.HashMap<>();
        private final Builder[] out;
        private final int[][] left;
        private final int[][] right;
        private final boolean[][] leftMerged;
        private final boolean[][] rightMerged;
        private long visited;

        Walk(SearchTree tree, boolean ipv4, int cap, List<ToIntFunction<GeoPlace>> classifiers) {
            this.tree = tree;
            this.ipv4 = ipv4;
            this.cap = cap;
            this.bits = ipv4 ? 32 : 128;
            this.nodeCount = tree.nodeCount();
            this.opaque = !ipv4 && tree.ipVersion() == 6 && tree.ipv4Start() < nodeCount ? tree.ipv4Start() : -1;
            this.classifiers = List.copyOf(classifiers);
            int n = classifiers.size();
            this.byRecord = new RecordClasses();
            this.out = new Builder[n];
            Arrays.setAll(out, i -> new Builder());
            this.left = new int[bits + 1][n];
            this.right = new int[bits + 1][n];
            this.leftMerged = new boolean[bits + 1][n];
            this.rightMerged = new boolean[bits + 1][n];
        }

        List<SameClassBlocks> run() throws IOException {
            int root = ipv4 && tree.ipVersion() == 6 ? tree.ipv4Start() : 0;
            int n = classifiers.size();
            int[] classes = new int[n];
            boolean[] merged = new boolean[n];
            visit(root, 0, 0, classes, merged);
            List<SameClassBlocks> blocks = new ArrayList<>(n);
            for (int g = 0; g < n; g++) {
                if (classes[g] != MIXED && merged[g]) {
                    out[g].add(0, 0, classes[g]);
                }
                blocks.add(out[g].build(ipv4));
            }
            return blocks;
        }

        /**
         * Classes the subtree of {@code record} at {@code depth} into {@code classes}, and tells in {@code merged}
         * whether it is of one class by merging (wider than one network), keeping its merged blocks.
         */
        private void visit(int record, int depth, long start, int[] classes, boolean[] merged) throws IOException {
            if (record >= nodeCount) {
                System.arraycopy(classesOf(record), 0, classes, 0, classes.length);
                Arrays.fill(merged, false);
                return;
            }
            if (record == opaque && depth > 0 || depth == bits) {
                Arrays.fill(classes, MIXED);
                return;
            }
            // A tree visits each node once; a damaged one that points back up would be walked without end.
            if (++visited > nodeCount) {
                throw new IOException("the search tree is not a tree: a node is reached twice");
            }
            int[] l = left[depth];
            int[] r = right[depth];
            boolean[] lm = leftMerged[depth];
            boolean[] rm = rightMerged[depth];
            long rightStart = depth < 64 ? start | 1L << (63 - depth) : start;
            visit(tree.record(record, 0), depth + 1, start, l, lm);
            visit(tree.record(record, 1), depth + 1, rightStart, r, rm);
            for (int g = 0; g < classes.length; g++) {
                if (l[g] == r[g] && l[g] != MIXED) {
                    classes[g] = l[g];
                    merged[g] = true;
                    continue;
                }
                classes[g] = MIXED;
                // Blocks as fine as the cap say no more than the network's prefix capped, so are not kept.
                if (depth + 1 < cap) {
                    if (l[g] != MIXED && lm[g]) {
                        out[g].add(start, depth + 1, l[g]);
                    }
                    if (r[g] != MIXED && rm[g]) {
                        out[g].add(rightStart, depth + 1, r[g]);
                    }
                }
            }
        }

        private int[] classesOf(int record) throws IOException {
            int[] known = byRecord.get(record);
            if (known == null) {
                GeoPlace place = record == nodeCount ? null
                        : MmdbRecord.toPlace(tree.data(record, MmdbRecord.Data.class));
                // A file need not share one record among the networks of one place: classed once per place.
                known = byPlace.get(place);
                if (known == null) {
                    known = new int[classifiers.size()];
                    for (int g = 0; g < known.length; g++) {
                        known[g] = classifiers.get(g).applyAsInt(place);
                    }
                    byPlace.put(place, known);
                }
                byRecord.put(record, known);
            }
            return known;
        }
    }

    /** Each data record's classes, by record, in an open-addressing table: the walk asks once per network. */
    private static final class RecordClasses {
        private int[] keys = new int[1024];
        private int[][] values = new int[1024][];
        private int size;

        RecordClasses() {
            Arrays.fill(keys, -1);
        }

        int[] get(int record) {
            for (int i = slot(record, keys.length); ; i = (i + 1) & (keys.length - 1)) {
                if (keys[i] == record) {
                    return values[i];
                }
                if (keys[i] == -1) {
                    return null;
                }
            }
        }

        void put(int record, int[] classes) {
            if (2 * (size + 1) > keys.length) {
                int[] oldKeys = keys;
                int[][] oldValues = values;
                keys = new int[oldKeys.length * 2];
                values = new int[oldKeys.length * 2][];
                Arrays.fill(keys, -1);
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] != -1) {
                        insert(oldKeys[i], oldValues[i]);
                    }
                }
            }
            insert(record, classes);
            size++;
        }

        private void insert(int record, int[] classes) {
            int i = slot(record, keys.length);
            while (keys[i] != -1) {
                i = (i + 1) & (keys.length - 1);
            }
            keys[i] = record;
            values[i] = classes;
        }

        private static int slot(int record, int length) {
            return (record * 0x9E3779B9 >>> 7) & (length - 1);
        }
    }

    /** Blocks as the walk finds them (a merged left half only once its right half is done), sorted once at the end. */
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

        SameClassBlocks build(boolean ipv4) {
            Integer[] order = new Integer[size];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
            long[] s = new long[size];
            byte[] p = new byte[size];
            int[] c = new int[size];
            for (int i = 0; i < size; i++) {
                s[i] = starts[order[i]];
                p[i] = prefixes[order[i]];
                c[i] = classes[order[i]];
            }
            return new SameClassBlocks(s, p, c, ipv4);
        }
    }
}
