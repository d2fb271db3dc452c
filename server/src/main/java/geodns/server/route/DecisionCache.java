package geodns.server.route;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The routes decided for client groups, in a fixed set-associative table of longs: a group's key picks a set
 * of {@code ways} adjacent slots; a new group goes first in its set and pushes the others one place down,
 * dropping the last.
 *
 * <p>A hit reads one set of eight longs, most often one cache line, and the decision it names. The table was
 * an array of entry objects before: a hit read the array, then each entry of the set from wherever the heap
 * had put it, and those cache misses were a quarter to a half of the answering threads' own CPU time under
 * the bench's 55,296 client groups.
 *
 * <p>A slot packs the group and its decision into one long, so a racing reader sees a whole slot or none;
 * races only lose slots. The key is mixed by a bijection: its top bits pick the set, so the slot keeps only
 * the rest of the mixed key, and the bits this frees (as many as pick the set) number the decision. Distinct
 * decisions are few (thousands of groups share each ranking) and numbered once ({@link DecisionNumbers}); a
 * group whose decision finds no free number is not cached, and is decided again each time.
 */
final class DecisionCache {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots;
    private final int ways;
    private final int setBits;
    private final long idMask;
    private final DecisionNumbers decisions;

    /**
     * @param sets a power of two, at least 2; also bounds the distinct decisions kept, to {@code sets - 1}
     * @param ways slots per set
     */
    DecisionCache(int sets, int ways) {
        this(sets, ways, new DecisionNumbers(sets));
    }

    /** @param decisions numbers its decisions; its capacity is at most {@code sets}, whose bits hold a number */
    DecisionCache(int sets, int ways, DecisionNumbers decisions) {
        if (sets < 2 || Integer.bitCount(sets) != 1) {
            throw new IllegalArgumentException("sets must be a power of two, at least 2: " + sets);
        }
        if (decisions.capacity() > sets) {
            throw new IllegalArgumentException("more decision numbers than " + sets + " sets can hold");
        }
        this.slots = new long[sets * ways];
        this.ways = ways;
        this.setBits = Integer.numberOfTrailingZeros(sets);
        this.idMask = sets - 1;
        this.decisions = decisions;
    }

    /** The routes cached for {@code key}, or null. */
    Route[] get(long key) {
        long mixed = Murmur.mix(key);
        long tag = mixed << setBits;
        int first = setOf(mixed);
        for (int i = first; i < first + ways; i++) {
            long slot = (long) SLOT.getAcquire(slots, i);
            if (slot == 0) {
                return null;  // sets fill from the front
            }
            if ((slot & ~idMask) == tag) {
                return decisions.get((int) (slot & idMask));
            }
        }
        return null;
    }

    void put(long key, Route[] routes) {
        int id = decisions.numberOf(routes);
        if (id == 0) {
            return;
        }
        long mixed = Murmur.mix(key);
        long tag = mixed << setBits;
        int first = setOf(mixed);
        int last = first + ways - 1;
        for (int i = first; i <= last; i++) {
            long slot = (long) SLOT.getAcquire(slots, i);
            if (slot == 0 || (slot & ~idMask) == tag) {
                last = i;  // decided again, or room left: nothing needs to drop out
                break;
            }
        }
        for (int i = last; i > first; i--) {
            SLOT.setRelease(slots, i, (long) SLOT.getAcquire(slots, i - 1));
        }
        SLOT.setRelease(slots, first, tag | id);
    }

    /**
     * Forgets every decision (a racing put may keep one: it is still true, only narrower than the new ones).
     */
    void clear() {
        for (int i = 0; i < slots.length; i++) {
            SLOT.setRelease(slots, i, 0L);
        }
    }

    /** Which set a group's key falls in (for tests that need groups sharing a set). */
    int set(long key) {
        return setOf(Murmur.mix(key)) / ways;
    }

    private int setOf(long mixed) {
        return (int) (mixed >>> (64 - setBits)) * ways;
    }
}
