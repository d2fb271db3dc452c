package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ProbedWorld;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import geodns.e2e.support.WebEndpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probe metrics move with real probes of real HTTP endpoints ({@link WebEndpoints} on loopback addresses, see
 * {@link ProbedWorld}): probe latency by node and result, the node-up gauge, health transitions, fail-open
 * answers. Each test works on nodes of its own and leaves every endpoint running.
 */
@ExtendWith(ServerLogOnFailure.class)
class ProbeMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration STEP = Duration.ofMillis(100);
    private static final String PROBES = "geodns_probe_duration_seconds_count";

    @TempDir
    static Path dir;
    static WebEndpoints web;
    static GeodnsServer server;

    @BeforeAll
    static void start() {
        web = WebEndpoints.start(ProbedWorld.endpoints());
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(),
                ProbedWorld.geoYaml(web.port()));
        server = GeodnsServer.start(zones);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (web != null) {
            web.close();
        }
    }

    private static PromScrape scrape() {
        return PromScrape.of(server);
    }

    private static double nodeUp(String node) {
        return scrape().value("geodns_node_up", "node", node);
    }

    private static void stopEndpoint(String node) {
        web.stop(ProbedWorld.endpoint(node));
    }

    /** Starts the node's endpoint again and waits until the server counts the node up. */
    private static void restore(String node) {
        web.start(ProbedWorld.endpoint(node));
        Poll.until(WAIT, STEP, "geodns_node_up{node=" + node + "} back to 1", () -> nodeUp(node), v -> v == 1);
    }

    @Test
    void successfulProbesAreTimedPerNode() {
        double first = Poll.until(WAIT, STEP, "a first successful probe of lon-1",
                () -> scrape().sum(PROBES, "node", "lon-1", "result", "ok"), v -> v >= 1);
        Poll.until(WAIT, STEP, "more successful probes of lon-1 than " + first,
                () -> scrape().sum(PROBES, "node", "lon-1", "result", "ok"), v -> v > first);
        PromScrape now = scrape();
        double count = now.value(PROBES, "node", "lon-1", "result", "ok");
        double seconds = now.value("geodns_probe_duration_seconds_sum", "node", "lon-1", "result", "ok");
        // Each probe took more than nothing and less than its 1 s timeout: the sum is in seconds.
        assertTrue(seconds > 0 && seconds < count * 1.0, () -> count + " probes took " + seconds + " s in all");
    }

    @Test
    void failedProbesAreTimedUnderResultFailed() {
        String node = "lon-2";
        double before = scrape().sum(PROBES, "node", node, "result", "failed");
        stopEndpoint(node);
        try {
            Poll.until(WAIT, STEP, "a failed probe of " + node + " counted",
                    () -> scrape().sum(PROBES, "node", node, "result", "failed"), v -> v > before);
        } finally {
            restore(node);
        }
    }

    @Test
    void theNodeUpGaugeFallsToZeroWhenTheEndpointStops() {
        String node = "fra-1";
        Poll.until(WAIT, STEP, node + " probed ok at least twice",
                () -> scrape().sum(PROBES, "node", node, "result", "ok"), v -> v >= 2);
        assertEquals(1.0, nodeUp(node), "geodns_node_up while the endpoint answers");
        stopEndpoint(node);
        try {
            Poll.until(WAIT, STEP, "geodns_node_up{node=" + node + "} = 0", () -> nodeUp(node), v -> v == 0);
            assertEquals(1.0, nodeUp("fra-2"), "the other Frankfurt node stays up");
        } finally {
            restore(node);
        }
    }

    @Test
    void theNodeUpGaugeReturnsToOneWhenTheEndpointAnswersAgain() {
        String node = "sea-1";
        stopEndpoint(node);
        try {
            Poll.until(WAIT, STEP, "geodns_node_up{node=" + node + "} = 0", () -> nodeUp(node), v -> v == 0);
        } finally {
            web.start(ProbedWorld.endpoint(node));
        }
        Poll.until(WAIT, STEP, "geodns_node_up{node=" + node + "} = 1 again", () -> nodeUp(node), v -> v == 1);
    }

    @Test
    void eachHealthTransitionIsCountedOnceByDirection() {
        String node = "sin-1";
        PromScrape before = scrape();
        double down = before.sum("geodns_health_transitions_total", "node", node, "to", "down");
        double up = before.sum("geodns_health_transitions_total", "node", node, "to", "up");
        stopEndpoint(node);
        try {
            Poll.until(WAIT, STEP, node + " down", () -> nodeUp(node), v -> v == 0);
        } finally {
            restore(node);
        }
        PromScrape after = scrape();
        assertEquals(down + 1, after.value("geodns_health_transitions_total", "node", node, "to", "down"),
                () -> "transitions to down:\n" + after);
        assertEquals(up + 1, after.value("geodns_health_transitions_total", "node", node, "to", "up"),
                () -> "transitions to up:\n" + after);
        assertEquals(before.sum("geodns_health_transitions_total", "node", "sin-2"),
                after.sum("geodns_health_transitions_total", "node", "sin-2"), "sin-2 never changed");
    }

    @Test
    void anAnswerGivenWhileEveryNodeIsDownIsCountedAsFailOpen() {
        Set<String> all = Set.copyOf(ProbedWorld.endpoints());
        double before = scrape().value("geodns_fail_open_answers_total");
        all.forEach(web::stop);
        try {
            for (GeoWorld.Node n : ProbedWorld.nodes()) {
                Poll.until(WAIT, STEP, n.name() + " down", () -> nodeUp(n.name()), v -> v == 0);
            }
            GeoQuery.Result r = GeoQuery.of("app.example.com", "A").subnet("10.1.2.0/24")
                    .ask(Via.DNSJAVA_UDP, server);
            assertEquals(GeoWorld.SINGAPORE.ipv4(), GeoWorld.addresses(r.reply(), "A"),
                    () -> "fail open: answered as if all were up (an unplaced client: singapore first)" + r);
            assertEquals(before + 1, scrape().value("geodns_fail_open_answers_total"), "fail-open answers");
        } finally {
            web.allHealthy();
            for (GeoWorld.Node n : ProbedWorld.nodes()) {
                Poll.until(WAIT, STEP, n.name() + " up again", () -> nodeUp(n.name()), v -> v == 1);
            }
        }
    }
}
