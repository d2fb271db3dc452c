package geodns.e2e;

import static geodns.e2e.support.HealthCluster.LONDON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.HealthCluster;
import geodns.e2e.support.HealthLog;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.WebEndpoints.Behaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Health end to end: every node's /ping endpoint is a real local HTTP server that the tests stop, start,
 * slow down and make answer errors; the server probes them every 200 ms (timeout 300 ms, fall 2, rise 2) and
 * answers only nodes that are up. The client is Madrid (nearest london, then frankfurt) unless said otherwise.
 * Every wait is bounded; after each test every endpoint is healthy again and every node back up.
 */
@ExtendWith(ServerLogOnFailure.class)
class HealthFailoverTest {
    private static final Duration CHANGE = Duration.ofSeconds(6);   // many times fall/rise x interval
    private static final Duration EVERY = Duration.ofMillis(40);
    private static final int FALL = 2;
    private static final int RISE = 2;

    @TempDir
    static Path dir;
    private static HealthCluster cluster;
    private int logMark;

    @BeforeAll
    static void start() {
        cluster = HealthCluster.start(dir, "expect: 200-399", "interval: 200ms", "timeout: 300ms", "jitter: 0.2",
                "fall: " + FALL, "rise: " + RISE, "initial: up");
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
    void everyNodeHealthyAgain() {
        cluster.web.allHealthy();
        Map<String, Integer> before = requestCounts();
        cluster.awaitAllUp(CHANGE);
        // Three more probes of each node: whatever was in flight has finished and two successes were counted.
        Poll.until(CHANGE, EVERY, "three more probes of every node", () -> newRequests(before),
                counts -> counts.values().stream().allMatch(c -> c >= 3));
    }

    private static Map<String, Integer> requestCounts() {
        Map<String, Integer> counts = new HashMap<>();
        cluster.nodes().forEach(n -> counts.put(n, cluster.web.requests(cluster.address(n))));
        return counts;
    }

    private static Map<String, Integer> newRequests(Map<String, Integer> since) {
        Map<String, Integer> counts = requestCounts();
        counts.replaceAll((n, c) -> c - since.get(n));
        return counts;
    }

    private String logSinceMark() {
        return cluster.server.log().substring(logMark);
    }

    private static Set<String> addresses(String... nodes) {
        return Set.of(List.of(nodes).stream().map(cluster::address).toArray(String[]::new));
    }

    private static Set<String> madrid() {
        return cluster.answerFor(GeoWorld.MADRID);
    }

    private static Set<String> awaitMadrid(String what, Predicate<Set<String>> done) {
        return Poll.until(CHANGE, EVERY, "Madrid's answer: " + what, HealthFailoverTest::madrid, done);
    }

    private static Set<String> awaitMadrid(String what, Set<String> expected) {
        return awaitMadrid(what, expected::equals);
    }

    /** Madrid's answer, checked for {@code during}: every answer must satisfy {@code always}. */
    private static int watchMadrid(Duration during, Predicate<Set<String>> always, String what) {
        long end = System.nanoTime() + during.toNanos();
        int answers = 0;
        while (System.nanoTime() < end) {
            Set<String> got = madrid();
            assertTrue(always.test(got), () -> what + "; got " + got);
            answers++;
            Poll.sleep(EVERY.toMillis());
        }
        return answers;
    }

    // ------------------------------------------------------------------------------------------ taking out

    @Test
    void stoppingANodesEndpointTakesTheNodeOutOfAnswers() {
        assertEquals(addresses("lon-1", "lon-2"), madrid(), "both london nodes at first");
        cluster.web.stop(cluster.address("lon-1"));
        awaitMadrid("lon-2 alone", addresses("lon-2"));
        assertTrue(HealthLog.transitions(logSinceMark(), "lon-1").stream().anyMatch(t -> t.wasUp() && !t.isUp()),
                () -> "the log says lon-1 went down:\n" + logSinceMark());
    }

    @Test
    void stoppingEveryEndpointOfALocationMovesAnswersToTheNextNearestLocation() {
        cluster.web.stop(cluster.address("lon-1"));
        cluster.web.stop(cluster.address("lon-2"));
        awaitMadrid("frankfurt's nodes", addresses("fra-1", "fra-2"));
        // Berlin, whose own location is healthy, is not affected.
        assertEquals(addresses("fra-1", "fra-2"), cluster.answerFor(GeoWorld.BERLIN));
    }

    @Test
    void aLocationComesBackOnceANodeHasPassedRiseProbesInARow() {
        cluster.web.stop(cluster.address("lon-1"));
        cluster.web.stop(cluster.address("lon-2"));
        awaitMadrid("frankfurt's nodes", addresses("fra-1", "fra-2"));
        Map<String, Integer> before = requestCounts();
        cluster.web.start(cluster.address("lon-1"));
        cluster.web.start(cluster.address("lon-2"));
        Set<String> back = awaitMadrid("london's nodes again", got -> !got.isEmpty() && LONDON.ipv4().containsAll(got));
        Map<String, Integer> probed = newRequests(before);
        for (String node : List.of("lon-1", "lon-2")) {
            if (back.contains(cluster.address(node))) {
                assertTrue(probed.get(node) >= RISE, () -> node + " came back after " + probed.get(node)
                        + " successful probe(s); rise is " + RISE);
            }
        }
    }

    @Test
    void anEndpointSlowerThanTheTimeoutIsTakenOut() {
        cluster.web.behave(cluster.address("lon-1"), Behaviour.SLOW);   // 1.5 s, timeout 300 ms
        awaitMadrid("lon-2 alone", addresses("lon-2"));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 404})
    void anEndpointAnsweringAStatusOutsideTheExpectedRangeIsTakenOutAfterFallProbes(int status) {
        Map<String, Integer> before = requestCounts();
        cluster.web.status(cluster.address("lon-1"), status);
        awaitMadrid("lon-2 alone", addresses("lon-2"));
        int failures = newRequests(before).get("lon-1");
        assertTrue(failures >= FALL, () -> "lon-1 went out after " + failures + " failed probe(s); fall is " + FALL);
    }

    @Test
    void aRedirectInsideTheExpectedRangeKeepsTheNodeIn() {
        Map<String, Integer> before = requestCounts();
        cluster.web.status(cluster.address("lon-1"), 302);
        watchMadrid(Duration.ofMillis(1500), got -> got.contains(cluster.address("lon-1")), "lon-1 stays in");
        assertTrue(newRequests(before).get("lon-1") >= 3, "lon-1 was probed meanwhile");
        assertTrue(HealthLog.transitions(logSinceMark(), "lon-1").isEmpty(), this::logSinceMark);
    }

    // ------------------------------------------------------------------------------------------ no flapping

    @Test
    void anAlternatingEndpointDoesNotTakeAnUpNodeOut() {
        Map<String, Integer> before = requestCounts();
        cluster.web.behave(cluster.address("lon-1"), Behaviour.ALTERNATING);
        watchMadrid(Duration.ofMillis(2500), got -> got.contains(cluster.address("lon-1")), "lon-1 stays in");
        assertTrue(newRequests(before).get("lon-1") >= 6, "lon-1 was probed, alternately ok and failing");
        assertTrue(HealthLog.transitions(logSinceMark(), "lon-1").isEmpty(),
                () -> "no state change of lon-1 in the log:\n" + logSinceMark());
    }

    @Test
    void anAlternatingEndpointDoesNotBringADownNodeBack() {
        cluster.web.stop(cluster.address("lon-1"));
        awaitMadrid("lon-2 alone", addresses("lon-2"));
        int transitions = HealthLog.transitions(cluster.server.log(), "lon-1").size();
        Map<String, Integer> before = requestCounts();
        cluster.web.behave(cluster.address("lon-1"), Behaviour.ALTERNATING);
        cluster.web.start(cluster.address("lon-1"));
        watchMadrid(Duration.ofMillis(2500), got -> !got.contains(cluster.address("lon-1")), "lon-1 stays out");
        assertTrue(newRequests(before).get("lon-1") >= 6, "lon-1 was probed, alternately ok and failing");
        assertEquals(transitions, HealthLog.transitions(cluster.server.log(), "lon-1").size(),
                () -> "no state change of lon-1 in the log:\n" + logSinceMark());
    }

    // ------------------------------------------------------------------------------------------ fail open

    @Test
    void whenEveryNodeIsDownAnswersFailOpenAsIfAllWereUp() {
        cluster.nodes().forEach(n -> cluster.web.stop(cluster.address(n)));
        Poll.until(CHANGE, EVERY, "every node down in the log", () -> cluster.nodes().stream()
                .filter(n -> HealthLog.up(cluster.server.log(), n)).toList(), List::isEmpty);
        Poll.until(CHANGE, EVERY, "a log line saying fail-open", this::logSinceMark,
                log -> log.toLowerCase().contains("fail-open") || log.toLowerCase().contains("fail open"));
        // As if all were up: each client gets all of its nearest location's nodes.
        for (GeoWorld.Location location : HealthCluster.LOCATIONS) {
            Poll.until(CHANGE, EVERY, "the client of " + location + " gets all its nodes while every node is down",
                    () -> cluster.answerForClientOf(location), location.ipv4()::equals);
        }
    }

    // ------------------------------------------------------------------------------------------ the probe

    @Test
    void theConfiguredHostHeaderAndPathReachEveryEndpoint() {
        for (String node : List.of("lon-1", "lon-2", "fra-1", "fra-2", "sea-1")) {
            String address = cluster.address(node);
            Poll.until(CHANGE, EVERY, node + " probed", () -> cluster.web.requests(address), n -> n > 0);
            assertEquals(HealthCluster.HOST, cluster.web.lastHost(address), () -> "Host header at " + node);
            assertEquals("/ping", cluster.web.lastPath(address), () -> "path at " + node);
        }
    }

    @Test
    void aLocationsOwnHealthSettingWinsOverTheGlobalOne() {
        String sin1 = cluster.address("sin-1");
        Poll.until(CHANGE, EVERY, "sin-1 probed", () -> cluster.web.requests(sin1), n -> n > 0);
        assertEquals(HealthCluster.SINGAPORE_HOST, cluster.web.lastHost(sin1), "Host header at sin-1");
    }
}
