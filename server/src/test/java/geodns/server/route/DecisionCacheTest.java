package geodns.server.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {
    private static final Route[] LONDON_FIRST = {new Route(new int[] {0, 1}, 24)};
    private static final Route[] FRANKFURT_FIRST = {new Route(new int[] {1, 0}, 16)};

    private static long ipv4Group(int a, int b, int c) {
        return ClientGroup.key(1, new byte[] {(byte) a, (byte) b, (byte) c, 0, 0, 0, 0}, 24);
    }

    /** The first {@code count} groups 10.x.y/24 whose keys fall in set 0. */
    private static long[] groupsOfSetZero(DecisionCache cache, int count) {
        long[] groups = new long[count];
        int found = 0;
        for (int i = 0; found < count; i++) {
            long group = ipv4Group(10, i >> 8, i & 0xff);
            if (cache.set(group) == 0) {
                groups[found++] = group;
            }
        }
        return groups;
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
    void groupsWithEqualDecisionsShareOneCopy() {
        DecisionCache cache = new DecisionCache(1024, 8);
        cache.put(ipv4Group(81, 2, 69), LONDON_FIRST);
        cache.put(ipv4Group(5, 9, 1), new Route[] {new Route(new int[] {0, 1}, 24)});
        assertSame(LONDON_FIRST, cache.get(ipv4Group(5, 9, 1)));
    }

    @Test
    void twoGroupsSharingASetOfTwoSlotsAreBothKept() {
        DecisionCache cache = new DecisionCache(4, 2);
        long[] groups = groupsOfSetZero(cache, 2);
        cache.put(groups[0], LONDON_FIRST);
        cache.put(groups[1], FRANKFURT_FIRST);
        assertSame(LONDON_FIRST, cache.get(groups[0]));
        assertSame(FRANKFURT_FIRST, cache.get(groups[1]));
    }

    @Test
    void aThirdGroupInAFullSetDropsTheLeastRecentlyAddedAndItIsDecidedAgain() {
        DecisionCache cache = new DecisionCache(4, 2);
        long[] groups = groupsOfSetZero(cache, 3);
        cache.put(groups[0], LONDON_FIRST);
        cache.put(groups[1], FRANKFURT_FIRST);
        cache.put(groups[2], LONDON_FIRST);
        assertNull(cache.get(groups[0]));
        assertSame(FRANKFURT_FIRST, cache.get(groups[1]));
        assertSame(LONDON_FIRST, cache.get(groups[2]));
    }

    @Test
    void decidingAGroupAgainDoesNotPushItsSetMateOut() {
        DecisionCache cache = new DecisionCache(4, 2);
        long[] groups = groupsOfSetZero(cache, 2);
        cache.put(groups[0], FRANKFURT_FIRST);
        cache.put(groups[1], LONDON_FIRST);
        cache.put(groups[1], LONDON_FIRST);
        assertSame(FRANKFURT_FIRST, cache.get(groups[0]));
    }

    @Test
    void eightGroupsSharingAnEightWaySetAreAllKept() {
        DecisionCache cache = new DecisionCache(4, 8);
        long[] groups = groupsOfSetZero(cache, 8);
        for (int i = 0; i < 8; i++) {
            cache.put(groups[i], i % 2 == 0 ? LONDON_FIRST : FRANKFURT_FIRST);
        }
        for (int i = 0; i < 8; i++) {
            assertSame(i % 2 == 0 ? LONDON_FIRST : FRANKFURT_FIRST, cache.get(groups[i]), "group " + i);
        }
    }

    @Test
    void aGroupWhoseDecisionFindsNoFreeNumberIsNotCached() {
        DecisionCache cache = new DecisionCache(2, 8);  // room for one distinct decision
        cache.put(ipv4Group(81, 2, 69), LONDON_FIRST);
        cache.put(ipv4Group(5, 9, 1), FRANKFURT_FIRST);
        assertSame(LONDON_FIRST, cache.get(ipv4Group(81, 2, 69)));
        assertNull(cache.get(ipv4Group(5, 9, 1)));
    }

    @Test
    void threadsRacingForFewSlotsNeverFindAnotherGroupsDecision() throws Exception {
        DecisionCache cache = new DecisionCache(4, 2);  // 64 groups racing for eight slots
        Route[][] byGroup = {LONDON_FIRST, FRANKFURT_FIRST};
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                wrong.add(threads.submit(() -> {
                    int found = 0;
                    for (int i = 0; i < 200_000; i++) {
                        int c = ThreadLocalRandom.current().nextInt(64);
                        Route[] expected = byGroup[c % 2];
                        cache.put(ipv4Group(10, 1, c), expected);
                        Route[] own = cache.get(ipv4Group(10, 1, c));
                        found += own == null || own == expected ? 0 : 1;
                    }
                    return found;
                }));
            }
            for (Future<Integer> count : wrong) {
                assertEquals(0, count.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
