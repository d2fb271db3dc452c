package geodns.server.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpillTest {
    private static final String[] NAMES = {"london", "frankfurt", "seattle", "singapore"};
    private static final int[] ORDER = {0, 1, 2, 3};
    private static final Object[] ALL_ANSWER = {new Object(), new Object(), new Object(), new Object()};
    private static final int GROUPS = 20_000;

    private static long group(int i) {
        return ClientGroup.key(1, new byte[] {10, (byte) (i >> 8), (byte) i, 0, 0, 0, 0}, 24);
    }

    @Test
    void theNextLocationsThatCanAnswerAreTheCandidates() {
        Spill spill = new Spill(2, new int[] {0, 3, 0, 1}, NAMES);
        assertEquals(List.of(1, 3), spill.candidates(ORDER, ALL_ANSWER), "seattle has no weight: singapore is next");
        assertEquals(List.of(3), spill.candidates(ORDER, new Object[] {null, null, new Object(), new Object()}));
    }

    @Test
    void groupsSpreadInProportionToTheCandidatesWeights() {
        Spill spill = new Spill(2, new int[] {4, 3, 1, 5}, NAMES);
        int frankfurt = 0;
        for (int i = 0; i < GROUPS; i++) {
            int chosen = spill.choose(ORDER, ALL_ANSWER, group(i));
            assertTrue(chosen == 1 || chosen == 2, () -> "one of the next two: " + chosen);
            frankfurt += chosen == 1 ? 1 : 0;
        }
        double spread = Math.sqrt(GROUPS * 0.75 * 0.25);
        assertEquals(GROUPS * 0.75, frankfurt, 5 * spread, "3 of 3 + 1");
    }

    @Test
    void whenACandidateGoesOnlyItsGroupsMove() {
        Spill before = new Spill(3, new int[] {0, 2, 1, 1}, NAMES);
        Spill after = new Spill(3, new int[] {0, 2, 0, 1}, NAMES);   // seattle's nodes went down
        for (int i = 0; i < GROUPS; i++) {
            int was = before.choose(ORDER, ALL_ANSWER, group(i));
            int now = after.choose(ORDER, ALL_ANSWER, group(i));
            if (was != 2) {
                assertEquals(was, now, "group " + i + " did not pick seattle, so it stays");
            }
        }
    }
}
