package geodns.server.health;

import java.time.Duration;

/**
 * One kind of health check: what a node is asked, and what counts as an answer. A probe is a value (a record),
 * so a reload that configures the same check compares equal and keeps the running prober and its streaks.
 * {@link Prober} calls {@link #check} on its own bounded worker threads, never on the answer path.
 *
 * <p>To add a third probe type: a public record in this package implementing this interface, as {@link TcpProbe}
 * (cut every wait at the deadline, report failures as a short reason, never throw); a URL scheme for it in the
 * health config reader ({@code HealthConfigReader}: build the record, and reject with file:line the keys that
 * make no sense for it); a unit test beside {@code TcpProbeTest}, an e2e test beside {@code TcpHealthTest}; its
 * row in the Health section of the docs. {@link Prober}, {@code Live} and the status page need no change.
 */
public interface Probe {
    /** Checks the node once, giving up at {@code timeout}; failures are results, not exceptions. */
    Result check(Duration timeout);

    /**
     * {@code detail}: what the node answered ("HTTP 200", "connected") or why it failed ("timeout"), as the
     * transition log line and the status page show it.
     */
    record Result(boolean ok, String detail, Duration latency) {}
}
