package geodns.server.answer;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class DecisionCacheTest {
    private static final Route[] LONDON_FIRST = {new Route(new int[] {0, 1}, 24)};
    private static final Route[] FRANKFURT_FIRST = {new Route(new int[] {1, 0}, 16)};

    private static long ipv4Group(int a, int b, int c) {
        return GeoRouting.groupKey(1, new byte[] {(byte) a, (byte) b, (byte) c, 0, 0, 0, 0}, 24);
    }

    @Test
    void aClientGroupsDecisionIsFoundAgain() {
        DecisionCache cache = new DecisionCache(1024, 8);
        cache.put(ipv4Group(81, 2, 69), LONDON_FIRST);
        assertSame(LONDON_FIRST, cache.get(ipv4Group(81, 2, 69)));
    }

    @Test
    void anotherGroupIsNotAnsweredFromItsNeighboursDecision() {
        DecisionCache cache = new DecisionCache(1024, 8);
        cache.put(ipv4Group(81, 2, 69), LONDON_FIRST);
        assertNull(cache.get(ipv4Group(81, 2, 70)));
    }

    @Test
    void twoGroupsSharingASetOfTwoSlotsAreBothKept() {
        DecisionCache cache = new DecisionCache(2, 2);
        cache.put(ipv4Group(81, 2, 69), LONDON_FIRST);
        cache.put(ipv4Group(5, 9, 1), FRANKFURT_FIRST);
        assertSame(LONDON_FIRST, cache.get(ipv4Group(81, 2, 69)));
        assertSame(FRANKFURT_FIRST, cache.get(ipv4Group(5, 9, 1)));
    }

    @Test
    void aThirdGroupInAFullSetDropsTheLeastRecentlyAddedAndItIsDecidedAgain() {
        DecisionCache cache = new DecisionCache(2, 2);
        cache.put(ipv4Group(81, 2, 69), LONDON_FIRST);
        cache.put(ipv4Group(5, 9, 1), FRANKFURT_FIRST);
        cache.put(ipv4Group(203, 0, 113), LONDON_FIRST);
        assertNull(cache.get(ipv4Group(81, 2, 69)));
        assertSame(FRANKFURT_FIRST, cache.get(ipv4Group(5, 9, 1)));
        assertSame(LONDON_FIRST, cache.get(ipv4Group(203, 0, 113)));
    }

    @Test
    void decidingAGroupAgainDoesNotPushItsSetMateOut() {
        DecisionCache cache = new DecisionCache(2, 2);
        cache.put(ipv4Group(5, 9, 1), FRANKFURT_FIRST);
        cache.put(ipv4Group(81, 2, 69), LONDON_FIRST);
        cache.put(ipv4Group(81, 2, 69), LONDON_FIRST);
        assertSame(FRANKFURT_FIRST, cache.get(ipv4Group(5, 9, 1)));
    }

    @Test
    void eightGroupsSharingAnEightWaySetAreAllKept() {
        DecisionCache cache = new DecisionCache(8, 8);
        for (int c = 0; c < 8; c++) {
            cache.put(ipv4Group(10, 0, c), c % 2 == 0 ? LONDON_FIRST : FRANKFURT_FIRST);
        }
        for (int c = 0; c < 8; c++) {
            assertSame(c % 2 == 0 ? LONDON_FIRST : FRANKFURT_FIRST, cache.get(ipv4Group(10, 0, c)), "10.0." + c);
        }
    }
}
