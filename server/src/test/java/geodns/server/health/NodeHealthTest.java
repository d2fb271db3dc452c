package geodns.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The anti-flap rule (HAProxy's): down after {@code fall} failures in a row, up after {@code rise} successes. */
class NodeHealthTest {
    static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");

    /** Applies {@code results} ('+' success, '-' failure) one second apart, from T0 + 1s on. */
    static NodeHealth apply(NodeHealth start, String results, int fall, int rise) {
        NodeHealth h = start;
        for (int i = 0; i < results.length(); i++) {
            boolean ok = results.charAt(i) == '+';
            h = h.next(ok, ok ? "HTTP 200" : "HTTP 500", 1.5, T0.plusSeconds(i + 1), fall, rise);
        }
        return h;
    }

    static NodeHealth up() {
        return NodeHealth.initial(true, T0);
    }

    static NodeHealth down() {
        return NodeHealth.initial(false, T0);
    }

    @Test
    void initialStateIsAsConfiguredAndNotYetProbed() {
        NodeHealth h = up();
        assertTrue(h.up());
        assertEquals(T0, h.since());
        assertEquals(0, h.streak());
        assertEquals(null, h.lastProbe());
        assertFalse(down().up());
    }

    @ParameterizedTest(name = "fall {0}")
    @CsvSource({"1", "2", "3", "5"})
    void goesDownAfterExactlyFallConsecutiveFailures(int fall) {
        NodeHealth almost = apply(up(), "-".repeat(fall - 1), fall, 2);
        assertTrue(almost.up(), "still up after " + (fall - 1) + " failures");
        assertFalse(apply(up(), "-".repeat(fall), fall, 2).up(), "down after " + fall);
    }

    @ParameterizedTest(name = "rise {0}")
    @CsvSource({"1", "2", "3", "5"})
    void comesUpAfterExactlyRiseConsecutiveSuccesses(int rise) {
        NodeHealth almost = apply(down(), "+".repeat(rise - 1), 3, rise);
        assertFalse(almost.up(), "still down after " + (rise - 1) + " successes");
        assertTrue(apply(down(), "+".repeat(rise), 3, rise).up(), "up after " + rise);
    }

    @Test
    void comesBackUpAfterRiseSuccessesOnceItWentDown() {
        NodeHealth wentDown = apply(up(), "---", 3, 2);
        assertFalse(wentDown.up());
        assertFalse(apply(wentDown, "+", 3, 2).up());
        assertTrue(apply(wentDown, "++", 3, 2).up());
    }

    @Test
    void failuresThatAreNotConsecutiveDoNotBringItDown() {
        assertTrue(apply(up(), "--+--+--+--", 3, 2).up());
    }

    @Test
    void successesThatAreNotConsecutiveDoNotBringItUp() {
        assertFalse(apply(down(), "+-+-+-+-+", 3, 2).up());
    }

    @Test
    void alternatingResultsNeverFlipAnUpNode() {
        NodeHealth h = up();
        for (int i = 0; i < 100; i++) {
            h = h.next(i % 2 == 0, "x", 1, T0.plusSeconds(i), 2, 2);
            assertTrue(h.up(), "flipped at probe " + i);
        }
        assertEquals(T0, h.since());
    }

    @Test
    void alternatingResultsNeverFlipADownNode() {
        NodeHealth h = down();
        for (int i = 0; i < 100; i++) {
            h = h.next(i % 2 == 0, "x", 1, T0.plusSeconds(i), 2, 2);
            assertFalse(h.up(), "flipped at probe " + i);
        }
    }

    @Test
    void sinceChangesOnlyOnTransitions() {
        NodeHealth h = up();
        h = apply(h, "++-", 2, 2);
        assertEquals(T0, h.since(), "no transition yet");
        NodeHealth down = h.next(false, "HTTP 500", 1, T0.plusSeconds(10), 2, 2);
        assertFalse(down.up());
        assertEquals(T0.plusSeconds(10), down.since(), "went down at the second failure");
        NodeHealth stillDown = down.next(false, "HTTP 500", 1, T0.plusSeconds(11), 2, 2)
                .next(true, "HTTP 200", 1, T0.plusSeconds(12), 2, 2);
        assertEquals(T0.plusSeconds(10), stillDown.since());
        NodeHealth backUp = stillDown.next(true, "HTTP 200", 1, T0.plusSeconds(13), 2, 2);
        assertTrue(backUp.up());
        assertEquals(T0.plusSeconds(13), backUp.since());
    }

    @Test
    void everyProbeIsRecordedEvenWithoutATransition() {
        NodeHealth h = up().next(false, "timeout", 3000.0, T0.plusSeconds(5), 3, 2);
        assertTrue(h.up());
        assertEquals("timeout", h.lastResult());
        assertEquals(3000.0, h.lastLatencyMillis());
        assertEquals(T0.plusSeconds(5), h.lastProbe());
        assertEquals(1, h.streak());
        assertFalse(h.lastOk());
    }

    @Test
    void streakCountsResultsThatAgree() {
        assertEquals(3, apply(up(), "+++", 3, 2).streak());
        assertEquals(2, apply(up(), "+++--", 3, 2).streak());
        assertEquals(1, apply(up(), "+++--+", 3, 2).streak());
    }

    @Test
    void successesKeepAnUpNodeUp() {
        NodeHealth h = apply(up(), "+".repeat(10), 3, 2);
        assertTrue(h.up());
        assertEquals(T0, h.since());
    }

    // ---- the view ----

    @Test
    void viewCountsNodesWithoutAProbeAsUp() {
        HealthView view = new HealthView(Map.of("a", down()));
        assertFalse(view.isUp("a"));
        assertTrue(view.isUp("b"));
        assertTrue(HealthView.allUp().isUp("anything"));
    }

    @Test
    void viewsWithTheSameUpNodesAreTheSameUpSet() {
        HealthView one = new HealthView(Map.of("a", up(), "b", down()));
        HealthView probedAgain = new HealthView(Map.of("a", apply(up(), "+-", 3, 2), "b", apply(down(), "-", 3, 2)));
        assertTrue(one.sameUpSet(probedAgain));
        assertFalse(one.sameUpSet(new HealthView(Map.of("a", up(), "b", up()))));
        assertFalse(one.sameUpSet(new HealthView(Map.of("a", up()))));
    }

    @Test
    void viewIsACopy() {
        java.util.HashMap<String, NodeHealth> nodes = new java.util.HashMap<>(Map.of("a", up()));
        HealthView view = new HealthView(nodes);
        nodes.put("a", down());
        assertTrue(view.isUp("a"));
        assertSame(view.nodes().get("a"), view.nodes().get("a"));
    }

    // ---- streaks that may change a node (health-aware TTLs) ----

    @Test
    void anUpNodeIsChangingFromItsFirstFailedProbeUntilItIsDown() {
        assertFalse(up().changing(), "not probed yet");
        assertTrue(apply(up(), "-", 3, 2).changing(), "one failure of three");
        assertTrue(apply(up(), "--", 3, 2).changing(), "two of three");
        assertFalse(apply(up(), "---", 3, 2).changing(), "down: nothing more is about to change");
        assertFalse(apply(up(), "--+", 3, 2).changing(), "a success ends the streak");
    }

    @Test
    void aDownNodeIsChangingFromItsFirstPassedProbeUntilItIsUp() {
        assertFalse(down().changing());
        assertTrue(apply(down(), "+", 3, 2).changing(), "one success of two");
        assertFalse(apply(down(), "++", 3, 2).changing(), "up");
        assertFalse(apply(down(), "+-", 3, 2).changing(), "a failure ends the rising streak");
    }

    @Test
    void viewsDifferInAnswersWhenOnlyAStreakStartedOrEnded() {
        HealthView stable = new HealthView(Map.of("a", up()));
        HealthView failing = new HealthView(Map.of("a", apply(up(), "-", 3, 2)));
        assertTrue(stable.sameUpSet(failing));
        assertFalse(stable.sameAnswers(failing));
        assertTrue(failing.isChanging("a"));
        assertFalse(failing.isChanging("unprobed"));
    }
}
