package geodns.server.health;

import java.time.Duration;

/**
 * One kind of health check: what a node is asked, and what counts as an answer. A probe is a value (a record),
 * so a reload that configures the same check compares equal and keeps the running prober and its streaks.
 * {@link Prober} calls {@link #check} on its own bounded worker threads, never on the answer path.
 *
 * <p>To add a third probe type: a record here implementing this interface (cut every wait at the deadline,
 * report failures as a short reason, never throw); a URL scheme for it in the health config reader
 * ({@code HealthConfigReader}: build the record, and reject with file:line the keys that make no sense for it);
 * a unit test beside {@code ProberTest}, an e2e test beside {@code TcpHealthTest}; a row in the Health docs.
 */
public interface Probe {
    /** Checks the node once, giving up at {@code timeout}; failures are results, not exceptions. */
    Result check(Duration timeout);

    /** {@code detail}: what the node answered ("HTTP 200", "connected") or why it failed ("timeout"). */
    record Result(boolean ok, String detail, Duration latency) {}
}
