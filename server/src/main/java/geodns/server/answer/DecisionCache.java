package geodns.server.answer;

/**
 * The routes decided for client groups, in a fixed set-associative table: a group's key picks a set of
 * {@code ways} adjacent slots; a new group goes first in its set and pushes the others one place down, dropping
 * the last. A hit is a few array reads and comparisons of primitive keys, with nothing allocated and nothing
 * locked; Caffeine's map of boxed keys cost three times as much per query here. Eight ways keep every group of
 * a working set up to about half the slots (with two ways, 2% of the bench's 55,296 groups kept missing).
 * Slots hold immutable entries, so a racing reader sees a whole entry or none, never half of one; races only
 * lose entries.
 */
final class DecisionCache {
    private record Entry(long key, Route[] routes) {}

    private final Entry[] slots;
    private final int ways;
    private final int setMask;

    /**
     * @param slots rounded up to a power of two, at least {@code ways}
     * @param ways  slots per set, a power of two
     */
    DecisionCache(int slots, int ways) {
        int size = Integer.highestOneBit(Math.max(ways, slots) - 1) << 1;
        this.slots = new Entry[size];
        this.ways = ways;
        this.setMask = size - ways;
    }

    /** The routes cached for {@code key}, or null. */
    Route[] get(long key) {
        int first = index(key);
        for (int i = first; i < first + ways; i++) {
            Entry entry = slots[i];
            if (entry == null) {
                return null;  // sets fill from the front
            }
            if (entry.key == key) {
                return entry.routes;
            }
        }
        return null;
    }

    void put(long key, Route[] routes) {
        int first = index(key);
        int last = first + ways - 1;
        for (int i = first; i <= last; i++) {
            Entry entry = slots[i];
            if (entry == null || entry.key == key) {
                last = i;  // decided again, or room left: nothing needs to drop out
                break;
            }
        }
        System.arraycopy(slots, first, slots, first + 1, last - first);
        slots[first] = new Entry(key, routes);
    }

    /** Keys differ mostly in their middle bits (a /24's address); a multiplicative hash spreads them all. */
    private int index(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & setMask;
    }
}
