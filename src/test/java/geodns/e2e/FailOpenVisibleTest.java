package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.HealthCluster;
import geodns.e2e.support.HealthLog;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-open (no node of a geo name up, so every node is answered as if it were) is said everywhere an operator
 * looks: {@code /status.json}, {@code /explain} and the log; and {@code /status.json}'s catchments say where each
 * country's clients are sent as health changes. The server probes a {@link HealthCluster} (probes every 200 ms,
 * down after 2 failures, up after 2 successes) whose endpoints the tests stop; after each test every node is up.
 */
@ExtendWith(ServerLogOnFailure.class)
class FailOpenVisibleTest {
    private static final Duration CHANGE = Duration.ofSeconds(10);
    private static final Duration EVERY = Duration.ofMillis(50);
    private static final String APP = "app.example.com";

    @TempDir
    static Path dir;
    static HealthCluster cluster;
    private int logMark;

    @BeforeAll
    static void start() {
        cluster = HealthCluster.start(dir, "interval: 200ms", "timeout: 300ms", "jitter: 0.2", "fall: 2", "rise: 2",
                "initial: up");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void mark() {
        logMark = cluster.server.log().length();
    }

    @AfterEach
    void everyNodeUpAgain() {
        cluster.web.allHealthy();
        cluster.awaitAllUp(CHANGE);
        Poll.until(CHANGE, EVERY, "fail_open false once every node is up", FailOpenVisibleTest::status,
                s -> !Boolean.TRUE.equals(s.get("fail_open")));
    }

    private static Map<String, Object> status() {
        return MiniJson.object(AdminHttp.ok(cluster.server, "/status.json"));
    }

    /** Stops every endpoint and waits until the server's log says every node is down. */
    private static void everyNodeDown() {
        cluster.nodes().forEach(n -> cluster.web.stop(cluster.address(n)));
        Poll.until(CHANGE, EVERY, "every node down in the server's log", () -> cluster.nodes().stream()
                .filter(n -> HealthLog.up(cluster.server.log(), n)).toList(), List::isEmpty);
    }

    private String logSinceMark() {
        return cluster.server.log().substring(logMark);
    }

    // ------------------------------------------------------------------------------------------ status.json

    @Test
    void statusJsonSaysNoFailOpenWhileANodeIsUp() {
        Map<String, Object> status = status();
        assertEquals(Boolean.FALSE, status.get("fail_open"), () -> "fail_open in " + status);
        assertEquals(List.of(), status.get("fail_open_names"), () -> "fail_open_names in " + status);
    }

    @Test
    void statusJsonFlagsFailOpenAndNamesTheGeoNameWhileEveryNodeIsDown() {
        everyNodeDown();
        Map<String, Object> status = Poll.until(CHANGE, EVERY, "fail_open true in /status.json",
                FailOpenVisibleTest::status, s -> Boolean.TRUE.equals(s.get("fail_open")));
        assertEquals(List.of(APP), status.get("fail_open_names"), () -> "fail_open_names in " + status);
        Map<String, Object> catchment = catchment(status);
        assertEquals(Boolean.TRUE, catchment.get("fail_open"), () -> "the catchment says fail-open: " + catchment);
    }

    // ------------------------------------------------------------------------------------------ explain

    @Test
    void explainSaysTheNodesAreDownAndTheAnswerIsAFailOpen() {
        everyNodeDown();
        String client = "127." + GeoWorld.MADRID.octet() + ".1.7";
        Map<String, Object> decision = Poll.until(CHANGE, EVERY, "an explained fail-open answer", () ->
                MiniJson.asObject(MiniJson.object(AdminHttp.ok(cluster.server, "/explain?ip=" + client + "&name="
                        + APP)).get("decision")), d -> Boolean.TRUE.equals(d.get("fail_open")));
        assertEquals("london", decision.get("chosen"), () -> "Madrid still gets its nearest: " + decision);
        for (Map<String, Object> ranked : MiniJson.asObjects(decision.get("ranked_locations"))) {
            assertEquals(Boolean.FALSE, ranked.get("nodes_up"), () -> "a location with its nodes down: " + ranked);
        }
        assertTrue(String.valueOf(decision.get("fail_open_reason")).contains("no node"),
                () -> "why, in words: " + decision);
    }

    @Test
    void explainSaysFailOpenIsOffAndWhichLocationIsDownWhileSomeNodesAreUp() {
        List.of("lon-1", "lon-2").forEach(n -> cluster.web.stop(cluster.address(n)));
        String client = "127." + GeoWorld.MADRID.octet() + ".1.7";
        Map<String, Object> decision = Poll.until(CHANGE, EVERY, "Madrid sent to frankfurt", () -> MiniJson.asObject(
                MiniJson.object(AdminHttp.ok(cluster.server, "/explain?ip=" + client + "&name=" + APP))
                        .get("decision")), d -> "frankfurt".equals(d.get("chosen")));
        assertEquals(Boolean.FALSE, decision.get("fail_open"), () -> "fail_open in " + decision);
        Map<String, Object> london = MiniJson.asObjects(decision.get("ranked_locations")).get(0);
        assertEquals(Map.of("location", "london", "nodes_up", false, "skipped", true),
                Map.of("location", london.get("location"), "nodes_up", london.get("nodes_up"), "skipped",
                        london.get("skipped")), () -> "london first, down and skipped: " + decision);
    }

    // ------------------------------------------------------------------------------------------ the log

    @Test
    void theFailOpenLogLineNamesTheNameEveryDownNodeAndWhatIsAnswered() {
        everyNodeDown();
        String line = Poll.until(CHANGE, EVERY, "a fail-open line in the log", () -> logSinceMark().lines()
                .filter(l -> l.contains("fail-open:")).findFirst().orElse(""), l -> !l.isEmpty());
        assertTrue(line.contains("no node of " + APP + " is up"), () -> "the geo name: " + line);
        for (String node : cluster.nodes()) {
            assertTrue(line.matches(".*\\b" + node + "\\b.*"), () -> node + " named: " + line);
        }
        assertTrue(line.contains("answering with every node as if it were up"), () -> "what is answered: " + line);
    }

    @Test
    void theEndOfFailOpenIsLogged() {
        everyNodeDown();
        Poll.until(CHANGE, EVERY, "a fail-open line in the log", this::logSinceMark, log -> log.contains("fail-open"));
        cluster.web.start(cluster.address("fra-1"));
        Poll.until(CHANGE, EVERY, "a 'fail-open over' line in the log", this::logSinceMark,
                log -> log.contains("fail-open over: a node of " + APP + " is up again"));
    }

    // ------------------------------------------------------------------------------------------ catchments

    private static Map<String, Object> catchment(Map<String, Object> status) {
        List<Map<String, Object>> all = MiniJson.asObjects(status.get("catchments"));
        return all.stream().filter(c -> APP.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("a catchment for " + APP + " in " + status));
    }

    private static Object countryGoesTo(String country) {
        return MiniJson.asObject(catchment(status()).get("countries")).get(country);
    }

    @Test
    void statusJsonSendsEachCountryToItsNearestLocation() {
        Map<String, Object> countries = MiniJson.asObject(catchment(status()).get("countries"));
        assertEquals(Map.of("GB", "london", "DE", "frankfurt", "CA", "seattle", "AU", "singapore"),
                Map.of("GB", countries.get("GB"), "DE", countries.get("DE"), "CA", countries.get("CA"), "AU",
                        countries.get("AU")));
        assertTrue(countries.size() > 200, () -> "every country of the table: " + countries.size());
    }

    @Test
    void statusJsonSendsGreatBritainToFrankfurtOnceLondonsNodesAreDown() {
        assertEquals("london", countryGoesTo("GB"));
        List.of("lon-1", "lon-2").forEach(n -> cluster.web.stop(cluster.address(n)));
        Poll.until(CHANGE, EVERY, "GB sent to frankfurt", () -> countryGoesTo("GB"), "frankfurt"::equals);
        Map<String, Object> up = MiniJson.asObject(catchment(status()).get("locations_up"));
        assertEquals(Boolean.FALSE, up.get("london"), () -> "london down in " + up);
    }
}
