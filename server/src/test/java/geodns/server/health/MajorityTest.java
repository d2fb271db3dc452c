package geodns.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the instances' verdicts become one, as a specification. */
class MajorityTest {
    private static final Map<String, Boolean> UP = Map.of("sgp-1", true);
    private static final Map<String, Boolean> DOWN = Map.of("sgp-1", false);

    private static boolean sgp(Majority.Decision d) {
        return d.up().get("sgp-1");
    }

    @Test
    void oneInstanceThatSeesANodeDownIsOutvotedByTwoThatSeeItUp() {
        Majority.Decision d = new Majority(3).decide(DOWN, List.of(UP, UP), UP);
        assertTrue(sgp(d));
        assertFalse(d.partitioned());
    }

    @Test
    void aNodeIsDownWhenMostFreshViewsSaySoThoughThisInstanceSeesItUp() {
        assertFalse(sgp(new Majority(3).decide(UP, List.of(DOWN, DOWN), UP)));
    }

    @Test
    void aNodeIsUpAgainWhenMostFreshViewsSaySo() {
        assertTrue(sgp(new Majority(4).decide(DOWN, List.of(UP, UP, UP), DOWN)));
    }

    @Test
    void aTieKeepsTheCurrentState() {
        assertTrue(sgp(new Majority(4).decide(DOWN, List.of(UP, UP, DOWN), UP)));
        assertFalse(sgp(new Majority(4).decide(DOWN, List.of(UP, UP, DOWN), DOWN)));
    }

    @Test
    void theMajorityIsOfTheFreshViewsNotOfAllInstances() {
        // 5 configured, 3 fresh (a quorum): 2 of those 3 say down, which is not a majority of 5, and is enough.
        assertFalse(sgp(new Majority(5).decide(DOWN, List.of(DOWN, UP), UP)));
    }

    @Test
    void withFewerFreshViewsThanAMajorityOfAllInstancesTheOwnViewDecides() {
        Majority.Decision d = new Majority(5).decide(DOWN, List.of(UP), UP);
        assertTrue(d.partitioned());
        assertFalse(sgp(d), "own view only");
        assertEquals(2, d.views());
    }

    @Test
    void aQuorumIsMoreThanHalfOfAllInstances() {
        assertEquals(1, new Majority(1).quorum());
        assertEquals(2, new Majority(2).quorum());
        assertEquals(2, new Majority(3).quorum());
        assertEquals(3, new Majority(4).quorum());
        assertEquals(26, new Majority(50).quorum());
    }

    @Test
    void anInstanceAloneIsNeverPartitioned() {
        Majority.Decision d = new Majority(1).decide(DOWN, List.of(), UP);
        assertFalse(d.partitioned());
        assertFalse(sgp(d));
    }

    @Test
    void aPeerThatDoesNotProbeANodeCastsNoVoteOnIt() {
        // Own says down, one peer up, one peer silent on it: 1 to 1, a tie, the current state stays.
        assertTrue(sgp(new Majority(3).decide(DOWN, List.of(UP, Map.of("other", true)), UP)));
    }

    @Test
    void theMergedVerdictsCoverTheNodesThisInstanceProbes() {
        Majority.Decision d = new Majority(3).decide(Map.of("a", true, "b", false),
                List.of(Map.of("a", true, "b", true, "c", false), Map.of("a", false, "b", true)), Map.of());
        assertEquals(Map.of("a", true, "b", true), d.up());
    }
}
