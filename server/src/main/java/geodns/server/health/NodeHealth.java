package geodns.server.health;

import java.time.Instant;

/**
 * What is known of one node: whether answers may carry it, the last probe's outcome and latency, and since when
 * it has been in its state. {@code streak} counts the last results that agree with each other.
 */
public record NodeHealth(boolean up, String lastResult, double lastLatencyMillis, Instant lastProbe, Instant since,
                         int streak, boolean lastOk) {

    /**
     * True while the node is in a streak that may change its state: up but its last probe failed (failing), or
     * down but its last probe passed (rising). Health-aware TTLs shorten answers that depend on such a node.
     */
    public boolean changing() {
        return up != lastOk;
    }

    static NodeHealth initial(boolean up, Instant now) {
        return new NodeHealth(up, "not probed yet", Double.NaN, null, now, 0, up);
    }

    /** The state after one more probe result, applying the fall/rise thresholds. */
    NodeHealth next(boolean ok, String result, double latencyMillis, Instant now, int fall, int rise) {
        int newStreak = ok == lastOk ? streak + 1 : 1;
        boolean newUp = up;
        if (up && !ok && newStreak >= fall) {
            newUp = false;
        } else if (!up && ok && newStreak >= rise) {
            newUp = true;
        }
        return new NodeHealth(newUp, result, latencyMillis, now, newUp == up ? since : now, newStreak, ok);
    }
}
