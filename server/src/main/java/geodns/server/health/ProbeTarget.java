package geodns.server.health;

import java.net.URI;
import java.time.Duration;

/**
 * How one node is probed: an HTTP(S) GET of {@code url} (with {@code host} as Host header when set) every
 * {@code interval} give or take {@code jitter} (a fraction), succeeding on a status in [expectFrom, expectTo]
 * within {@code timeout}. The node goes down after {@code fall} failures in a row and up after {@code rise}
 * successes in a row (HAProxy's model).
 */
public record ProbeTarget(String node, URI url, String host, int expectFrom, int expectTo, Duration timeout,
                          Duration interval, double jitter, int fall, int rise, boolean initiallyUp,
                          boolean insecure) {}
