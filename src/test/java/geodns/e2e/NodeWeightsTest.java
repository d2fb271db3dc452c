package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.TcpListeners;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node weights (issue 21): within a location, a node of weight 2 is in twice the share of answers of a node of
 * weight 1 when answers carry at most {@code max-answers} nodes; a node of weight 0 is probed but in no answer.
 * Counted over real UDP queries to the server; the tolerance is the binomial spread of the count.
 */
@ExtendWith(ServerLogOnFailure.class)
class NodeWeightsTest {
    private static final int QUERIES = 3000;
    /** How far a count may stray from its expectation, in standard deviations of the binomial count. */
    private static final double SIGMAS = 5;
    /** The weight-0 node's probe target: an open TCP port, so it is probed and up, yet never answered. */
    private static final String LON_0_PROBE = "127.0.61.10";

    @TempDir
    static Path dir;
    static TcpListeners probed;
    static GeodnsServer server;

    @BeforeAll
    static void start() throws IOException {
        probed = TcpListeners.start(List.of(LON_0_PROBE));
        String yaml = """
                health: { interval: 300ms, fall: 1, rise: 1 }
                locations:
                  london:
                    coordinates: [51.507, -0.128]
                    nodes:
                      lon-1: { ipv4: 192.0.2.11, weight: 2 }
                      lon-2: { ipv4: 192.0.2.12 }
                      lon-3: { ipv4: 192.0.2.13, weight: 1 }
                      lon-4: { ipv4: 192.0.2.14 }
                      lon-0: { ipv4: 192.0.2.10, weight: 0, health: { url: "tcp://%s:%d" } }
                names:
                  app.example.com:
                    max-answers: 2
                  every.example.com: {}
                """.formatted(LON_0_PROBE, probed.port());
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), yaml);
        Path mmdb = GeoWorld.database().write(dir.resolve("cities.mmdb"));
        server = GeodnsServer.start(zones, "--geoip", mmdb.toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (probed != null) {
            probed.close();
        }
    }

    private static Set<String> answer(String name) {
        return GeoWorld.addresses(GeoQuery.of(name, "A").subnet(GeoWorld.MADRID.subnet()).ask(Via.DNSJAVA_UDP, server)
                .reply(), "A");
    }

    @Test
    void withMaxAnswersANodeOfWeightTwoIsInTwiceTheShareOfAnswersOfANodeOfWeightOne() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < QUERIES; i++) {
            Set<String> got = answer("app.example.com");
            assertEquals(2, got.size(), () -> "max-answers 2: " + got);
            got.forEach(a -> counts.merge(a, 1, Integer::sum));
        }
        // Weights 2, 1, 1, 1 sum to 5; two places per answer: lon-1 is in 2 x 2/5 = 80% of answers, the others 40%.
        assertShare(counts, "192.0.2.11", 0.8);
        for (String one : List.of("192.0.2.12", "192.0.2.13", "192.0.2.14")) {
            assertShare(counts, one, 0.4);
        }
        assertEquals(0, counts.getOrDefault("192.0.2.10", 0), () -> "lon-0 (weight 0) is in no answer: " + counts);
    }

    private static void assertShare(Map<String, Integer> counts, String address, double share) {
        double expected = QUERIES * share;
        double spread = Math.sqrt(QUERIES * share * (1 - share));
        int count = counts.getOrDefault(address, 0);
        assertTrue(Math.abs(count - expected) <= SIGMAS * spread, () -> address + " in " + count + " of " + QUERIES
                + " answers, expected " + expected + " ± " + SIGMAS + " x " + String.format("%.1f", spread) + ": "
                + counts);
    }

    @Test
    void withoutMaxAnswersEveryNodeButTheOneOfWeightZeroIsAnswered() {
        assertEquals(Set.of("192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14"), answer("every.example.com"));
    }

    @Test
    void theNodeOfWeightZeroIsProbedAndUpAndStatusShowsEveryWeight() {
        Map<String, Object> lon0 = Poll.until(Duration.ofSeconds(10), Duration.ofMillis(100), "lon-0 probed and up",
                () -> node("lon-0"), n -> n.get("last_probe") != null);
        assertEquals(Boolean.TRUE, lon0.get("probed"), () -> "" + lon0);
        assertEquals(Boolean.TRUE, lon0.get("up"), () -> "" + lon0);
        assertEquals(0L, ((Number) lon0.get("weight")).longValue(), () -> "" + lon0);
        assertTrue(probed.accepted(LON_0_PROBE) > 0, "its probe connected");
        assertEquals(2L, ((Number) node("lon-1").get("weight")).longValue());
        assertEquals(1L, ((Number) node("lon-2").get("weight")).longValue(), "the default weight");
        assertTrue(AdminHttp.ok(server, "/status").contains("lon-1 · weight 2"), "the page names the weight");
    }

    private static Map<String, Object> node(String name) {
        Map<String, Object> status = MiniJson.object(AdminHttp.ok(server, "/status.json"));
        for (Map<String, Object> location : MiniJson.asObjects(status.get("locations"))) {
            for (Map<String, Object> node : MiniJson.asObjects(location.get("nodes"))) {
                if (name.equals(node.get("name"))) {
                    return node;
                }
            }
        }
        throw new AssertionError("no node " + name + " in " + status);
    }
}
