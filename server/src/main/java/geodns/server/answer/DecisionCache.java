package geodns.server.answer;

/**
 * The routes decided for client groups, in a fixed two-way set-associative table: a group's key picks a pair of
 * slots; a new group goes first in its pair and pushes the previous first one to second place, dropping what
 * was there. A hit is an array read or two and a comparison of primitive keys, with nothing allocated and
 * nothing locked; Caffeine's map of boxed keys cost three times as much per query here. Slots hold immutable
 * entries, so a racing reader sees a whole entry or none, never half of one; races only lose entries.
 */
final class DecisionCache {
    private record Entry(long key, Route[] routes) {}

    private final Entry[] slots;
    private final int pairMask;

    /** @param slots rounded up to a power of two, at least 2 */
    DecisionCache(int slots) {
        int size = Integer.highestOneBit(Math.max(2, slots) - 1) << 1;
        this.slots = new Entry[size];
        this.pairMask = size - 2;
    }

    /** The routes cached for {@code key}, or null. */
    Route[] get(long key) {
        int first = index(key);
        Entry entry = slots[first];
        if (entry != null && entry.key == key) {
            return entry.routes;
        }
        entry = slots[first + 1];
        return entry != null && entry.key == key ? entry.routes : null;
    }

    void put(long key, Route[] routes) {
        int first = index(key);
        Entry previous = slots[first];
        if (previous != null && previous.key != key) {
            slots[first + 1] = previous;
        }
        slots[first] = new Entry(key, routes);
    }

    /** Keys differ mostly in their middle bits (a /24's address); a multiplicative hash spreads them all. */
    private int index(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & pairMask;
    }
}
