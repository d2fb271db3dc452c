package geodns.server.config;

/**
 * The heap one load of the zones folder may take, counted as it is read and compiled, so a config that would not
 * fit fails as {@code file: reason} before it fills the heap, and the snapshot serving keeps serving.
 *
 * <p>A reload builds the new snapshot while the old one serves, so the heap holds two at once. Each may therefore
 * take half of what the JVM's heap ({@link Runtime#maxMemory()}) has beside {@link #RESERVE}; anything a start or
 * check accepts then also reloads, whatever it replaces. Subtracting the serving snapshot's actual size instead
 * would accept a larger config once and refuse the same config at its next reload.
 *
 * <p>What is counted (measured against the retained heap of real loads, see docs/operations.md, "Limits"): each file's
 * size (its text is scanned whole while dnsjava reads it), each record's wire length and the objects around it,
 * each answer encoded at compile time and the objects around it, each YAML node; bytes, not only records.
 */
public final class HeapBudget {
    /**
     * The heap the server needs besides its snapshots: the embedded GeoIP DB (10 MB), two GeoIP decision caches
     * during a reload (2.7 MB each), the query log's queue, TCP buffers, admin pages, probe threads, and room
     * for the garbage a load makes before the collector runs.
     */
    static final long RESERVE = 32L << 20;

    /** dnsjava's objects around a record (Record, Name, lists) and ours (PlacedRecord, the tree's entries). */
    public static final int PER_RECORD = 360;
    /** A record's data is held by its Record, its zone tree entry and, for a transfer, an AXFR message. */
    public static final int PER_RECORD_BYTE = 2;
    /** A Sections object with its array. */
    public static final int PER_ANSWER = 48;
    /** A NameNode with its arrays and hash table entry. */
    public static final int PER_NAME = 200;
    /** A SnakeYAML node with its marks and string, until the config is read. */
    public static final int PER_YAML_NODE = 240;

    private final long limit;
    private long used;

    private HeapBudget(long limit) {
        this.limit = limit;
    }

    /** Half of this JVM's heap less the reserve. */
    public static HeapBudget forThisHeap() {
        return of(perSnapshot(Runtime.getRuntime().maxMemory()));
    }

    /** A budget of {@code limit} bytes, whatever the heap. */
    public static HeapBudget of(long limit) {
        return new HeapBudget(limit);
    }

    static long perSnapshot(long maxMemory) {
        return Math.max(0, (maxMemory - RESERVE) / 2);
    }

    /** For recompiling sources already counted (a health change), and for tests. */
    public static HeapBudget unlimited() {
        return new HeapBudget(Long.MAX_VALUE);
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used;
    }

    /** Counts {@code bytes} against the limit; past it, an error naming the file being read or compiled. */
    public void charge(long bytes, String file, int line) {
        used += bytes;
        if (used > limit) {
            throw new Exceeded(new ConfigError(file, line, "the config needs more than " + mib(limit)
                    + " MiB of heap, the most one snapshot may take with this " + mib(Runtime.getRuntime().maxMemory())
                    + " MiB heap (a reload holds two snapshots; a larger heap or container memory limit raises it)"));
        }
    }

    private static String mib(long bytes) {
        double mib = bytes / 1048576.0;
        return String.format(java.util.Locale.ROOT, mib < 10 ? "%.1f" : "%.0f", mib);
    }

    /** Thrown through the load that ran out; its error goes where the load's other errors go. */
    public static final class Exceeded extends RuntimeException {
        private final transient ConfigError error;

        Exceeded(ConfigError error) {
            super(error.toString(), null, false, false);
            this.error = error;
        }

        public ConfigError error() {
            return error;
        }
    }
}
