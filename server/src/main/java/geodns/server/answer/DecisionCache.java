package geodns.server.answer;

/**
 * The routes decided for client groups, in a fixed direct-mapped table: a group's key picks one slot, and a new
 * group in a taken slot replaces the old one. A hit is one array read and one comparison of a primitive key, with
 * nothing allocated and nothing locked; Caffeine's map of boxed keys cost three times as much per query here.
 * Slots hold immutable entries, so a racing reader sees a whole entry or the one before, never half of one.
 */
final class DecisionCache {
    private record Entry(long key, Route[] routes) {}

    private final Entry[] slots;
    private final int mask;

    /** @param slots rounded up to a power of two */
    DecisionCache(int slots) {
        int size = Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
        this.slots = new Entry[size];
        this.mask = size - 1;
    }

    /** The routes cached for {@code key}, or null. */
    Route[] get(long key) {
        Entry entry = slots[index(key)];
        return entry != null && entry.key == key ? entry.routes : null;
    }

    void put(long key, Route[] routes) {
        slots[index(key)] = new Entry(key, routes);
    }

    /** Keys differ mostly in their middle bits (a /24's address); a multiplicative hash spreads them all. */
    private int index(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32 ^ h) & mask;
    }
}
