package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.SharingWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real instances (a, b, c) pool their probe verdicts over their admin ports. Their probes disagree as over
 * broken paths: c's probes of sin-1 fail (a and b see it up); a's and c's probes of fra-1 fail (b sees it up).
 * Each starts alone, then its geo.yaml gains health: share: and it reloads. A verdict changes only by majority:
 * every instance answers with sin-1 (2 of 3 say up) and without fra-1 (2 of 3 say down).
 */
@ExtendWith(ServerLogOnFailure.class)
class SharedHealthMajorityTest {
    private static final Duration CHANGE = Duration.ofSeconds(20);
    private static final Set<String> SINGAPORE = Set.of("127.0.20.6");
    private static final Set<String> SEATTLE = Set.of("127.0.20.5");
    private static final Set<String> FRANKFURT_BOTH = Set.of("127.0.20.3", "127.0.20.4");
    private static final Set<String> FRANKFURT_WITHOUT_FRA1 = Set.of("127.0.20.4");
    private static final Map<String, Set<String>> FAILING = Map.of("a", Set.of("fra-1"), "b", Set.of(),
            "c", Set.of("sin-1", "fra-1"));

    @TempDir
    static Path dir;
    private static SharingWorld world;
    /** What each instance answered before sharing: its own view. */
    private static Set<String> cSydneyAlone;
    private static Set<String> bBerlinAlone;

    @BeforeAll
    static void start() {
        world = SharingWorld.start(dir);
        for (String name : List.of("a", "b", "c")) {
            world.instance(name, FAILING.get(name), List.of());
        }
        // Alone, each instance follows its own probes: c drops sin-1, b keeps fra-1.
        SharingWorld.awaitAnswer(world.server("c"), GeoWorld.SYDNEY, SEATTLE, CHANGE);
        SharingWorld.awaitAnswer(world.server("b"), GeoWorld.BERLIN, FRANKFURT_BOTH, CHANGE);
        cSydneyAlone = SharingWorld.answer(world.server("c"), GeoWorld.SYDNEY);
        bBerlinAlone = SharingWorld.answer(world.server("b"), GeoWorld.BERLIN);
        for (String name : List.of("a", "b", "c")) {
            List<String> share = new ArrayList<>(List.of("secret-file: peers.secret", "interval: 300ms", "fresh: 4"));
            share.add("peers: [" + String.join(", ", world.peersOf(name).stream().map(u -> "\"" + u + "\"")
                    .toList()) + "]");
            world.configure(name, FAILING.get(name), share);
        }
        for (String name : List.of("a", "b", "c")) {
            GeodnsServer server = world.server(name);
            Poll.until(CHANGE, Duration.ofMillis(100), name + " sharing with 2 peers", server::log,
                    log -> log.contains("shared health: 2 peer(s)"));
        }
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void oneInstanceWhoseProbesOfANodeFailKeepsAnsweringWithItWhileTwoOthersSeeItUp() {
        assertEquals(SEATTLE, cSydneyAlone, "alone, c drops sin-1");
        for (String name : List.of("a", "b", "c")) {
            SharingWorld.awaitAnswer(world.server(name), GeoWorld.SYDNEY, SINGAPORE, CHANGE);
        }
        GeodnsServer c = world.server("c");
        assertEquals(0, SharingWorld.metric(c, "geodns_node_up", "node", "sin-1"), "c's own probes still fail");
        assertEquals(1, SharingWorld.metric(c, "geodns_shared_node_up", "node", "sin-1"));
    }

    @Test
    void aNodeTwoOfThreeInstancesSeeDownIsDroppedByTheThirdThatSeesItUp() {
        assertEquals(FRANKFURT_BOTH, bBerlinAlone, "alone, b keeps fra-1");
        for (String name : List.of("a", "b", "c")) {
            SharingWorld.awaitAnswer(world.server(name), GeoWorld.BERLIN, FRANKFURT_WITHOUT_FRA1, CHANGE);
        }
        GeodnsServer b = world.server("b");
        assertEquals(1, SharingWorld.metric(b, "geodns_node_up", "node", "fra-1"), "b's own probes pass");
        assertEquals(0, SharingWorld.metric(b, "geodns_shared_node_up", "node", "fra-1"));
        assertTrue(SharingWorld.metric(b, "geodns_shared_transitions_total", "node", "fra-1", "to", "down") >= 1);
        assertTrue(b.log().contains("shared health: node fra-1 up -> down"), "the merged transition is logged");
    }

    @Test
    void statusShowsWhoSeesWhatAndTheMergedVerdict() {
        GeodnsServer c = world.server("c");
        SharingWorld.awaitAnswer(c, GeoWorld.SYDNEY, SINGAPORE, CHANGE);
        Map<String, Object> sharing = Poll.until(CHANGE, Duration.ofMillis(100), "every view fresh on c",
                () -> MiniJson.asObject(MiniJson.object(AdminHttp.ok(c, "/status.json")).get("sharing")),
                s -> MiniJson.asObjects(s.get("observers")).stream().allMatch(o -> Boolean.TRUE.equals(o.get("fresh"))));
        assertEquals("c", sharing.get("self"));
        assertEquals(false, sharing.get("own_view_only"));
        assertEquals(true, MiniJson.asObject(sharing.get("merged")).get("sin-1"));
        Map<String, Object> seen = new java.util.TreeMap<>();
        MiniJson.asObjects(sharing.get("observers")).forEach(o -> seen.put((String) o.get("name"),
                MiniJson.asObject(o.get("nodes")).get("sin-1")));
        assertEquals(Map.of("a", true, "b", true, "c", false), seen, "each instance's own verdict on sin-1");
        String page = AdminHttp.ok(c, "/status");
        assertTrue(page.contains("id=\"sharing\"") && page.contains("Shared health"), "the matrix is on /status");
        Map<String, Object> explained = MiniJson.object(AdminHttp.ok(c, "/explain?ip=" + GeoWorld.SYDNEY.source()
                .getHostAddress() + "&name=app.example.com"));
        assertEquals(true, MiniJson.asObject(MiniJson.asObject(explained.get("shared_health")).get("merged"))
                .get("sin-1"), "/explain carries the merged verdict");
    }

    @Test
    void theSharedHealthMetricsAreThereAndPassPromtool() throws Exception {
        GeodnsServer b = world.server("b");
        SharingWorld.awaitAnswer(b, GeoWorld.BERLIN, FRANKFURT_WITHOUT_FRA1, CHANGE);
        String text = AdminHttp.ok(b, "/metrics");
        for (String family : List.of("geodns_peer_views_total{", "geodns_peer_node_up{", "geodns_shared_node_up{",
                "geodns_shared_transitions_total{", "geodns_shared_partitioned ")) {
            assertTrue(text.contains(family), family + " in /metrics:\n" + text);
        }
        assertTrue(geodns.e2e.support.PromScrape.parse(text).sum("geodns_peer_views_total", "result", "ok") > 0,
                "fetches counted ok");
        MetricsLintTest.Promtool result = MetricsLintTest.promtool(text);
        assertEquals(0, result.exitCode(), () -> "promtool check metrics:\n" + result.output() + "\n" + text);
    }

    @Test
    void aPeersViewIsItsOwnVerdictsNeverTheMergedOnes() {
        GeodnsServer c = world.server("c");
        SharingWorld.awaitAnswer(c, GeoWorld.SYDNEY, SINGAPORE, CHANGE);
        AdminHttp.Response view = AdminHttp.get(c, "/peer/view?nonce=0123456789abcdef0123456789abcdef");
        assertEquals(200, view.status());
        Map<String, Object> nodes = MiniJson.asObject(MiniJson.object(view.body()).get("nodes"));
        assertEquals(false, MiniJson.asObject(nodes.get("sin-1")).get("up"), "c's own probes of sin-1 fail");
    }
}
