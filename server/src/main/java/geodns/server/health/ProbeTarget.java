package geodns.server.health;

import java.time.Duration;

/**
 * How one node is probed: {@code probe} every {@code interval} give or take {@code jitter} (a fraction), each
 * cut at {@code timeout}. The node goes down after {@code fall} failures in a row and up after {@code rise}
 * successes in a row (HAProxy's model).
 */
public record ProbeTarget(String node, Probe probe, Duration timeout, Duration interval, double jitter, int fall,
                          int rise, boolean initiallyUp) {}
