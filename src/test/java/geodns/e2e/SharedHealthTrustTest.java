package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.PeerStandIn;
import geodns.e2e.support.PeerStandIn.Mode;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.SharingWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real instance ("a", whose probes see every node up) and two stand-in peers written from the documented
 * wire format. p1 is honest and says sin-1 is down; p2 says so too, but its view is forged, stale, replayed,
 * garbage or oversized. Believed, p2 would make 2 of 3 views say down and drop sin-1 (the control test shows
 * it does); ignored, 1 to 1 is a tie and sin-1 stays. Each kind of bad view changes nothing and is counted.
 */
@ExtendWith(ServerLogOnFailure.class)
class SharedHealthTrustTest {
    private static final Duration CHANGE = Duration.ofSeconds(20);
    private static final Set<String> SINGAPORE = Set.of("127.0.20.6");
    private static final Set<String> SEATTLE = Set.of("127.0.20.5");
    private static final Map<String, Boolean> SIN_UP = Map.of("sin-1", true);
    private static final Map<String, Boolean> SIN_DOWN = Map.of("sin-1", false);
    /** Fetches of the bad view before looking: past the window (4 x 300 ms) in which p2's last good view counts. */
    private static final int BAD_FETCHES = 6;

    @TempDir
    static Path dir;
    private static SharingWorld world;
    private static PeerStandIn p1;
    private static PeerStandIn p2;
    private static GeodnsServer a;

    @BeforeAll
    static void start() {
        world = SharingWorld.start(dir);
        p1 = PeerStandIn.start("p1", SharingWorld.SECRET, "127.0.0.1");
        p2 = PeerStandIn.start("p2", SharingWorld.SECRET, "127.0.0.1");
        a = world.instance("a", Set.of(), List.of("secret-file: peers.secret", "interval: 300ms", "fresh: 4",
                "peers: [\"" + p1.url() + "\", \"" + p2.url() + "\"]"));
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
        if (p1 != null) {
            p1.close();
        }
        if (p2 != null) {
            p2.close();
        }
    }

    /** Both peers honest and agreeing with a: sin-1 up, answered. */
    @BeforeEach
    void allAgreeSin1IsUp() {
        p1.mode(Mode.GENUINE);
        p2.mode(Mode.GENUINE);
        p1.says(SIN_UP);
        p2.says(SIN_UP);
        SharingWorld.awaitAnswer(a, GeoWorld.SYDNEY, SINGAPORE, CHANGE);
        awaitShared(1);
    }

    private static void awaitShared(double up) {
        Poll.until(CHANGE, Duration.ofMillis(50), "merged sin-1 " + up,
                () -> SharingWorld.metric(a, "geodns_shared_node_up", "node", "sin-1"), v -> v == up);
    }

    private static double count(String result) {
        return SharingWorld.metric(a, "geodns_peer_views_total", "peer", "127.0.0.1:" + p2.url().replaceFirst(".*:", ""),
                "result", result);
    }

    /** p2 turns bad in {@code mode}; both peers then say sin-1 is down. Nothing may change. */
    private static void p2Sends(Mode mode, String counted) {
        double before = count(counted);
        p2.mode(mode);
        p2.says(SIN_DOWN);
        p1.says(SIN_DOWN);
        Poll.until(CHANGE, Duration.ofMillis(50), BAD_FETCHES + " more " + counted + " views of p2 counted",
                () -> count(counted) - before, n -> n >= BAD_FETCHES);
        // Its last good view (sin-1 up) has aged out by now: only a and p1 count, 1 to 1.
        Map<String, Object> p2Row = Poll.until(CHANGE, Duration.ofMillis(50), "p2's view no longer fresh",
                SharedHealthTrustTest::p2Row, row -> Boolean.FALSE.equals(row.get("fresh")));
        assertTrue(p2Row.get("last_fetch").toString().startsWith(counted), "status says why: " + p2Row);
        assertEquals(SINGAPORE, SharingWorld.answer(a, GeoWorld.SYDNEY), "sin-1 still answered");
        assertEquals(1, SharingWorld.metric(a, "geodns_shared_node_up", "node", "sin-1"));
        assertEquals(0, SharingWorld.metric(a, "geodns_shared_partitioned"), "2 of 3 views fresh: a quorum");
    }

    private static Map<String, Object> p2Row() {
        return MiniJson.asObjects(MiniJson.asObject(MiniJson.object(AdminHttp.ok(a, "/status.json"))
                .get("sharing")).get("observers")).stream()
                .filter(o -> o.get("url") != null && o.get("url").toString().equals(p2.url())).findFirst().orElseThrow();
    }

    @Test
    void aGenuineViewFromBothPeersDoesDropTheNode() {
        p1.says(SIN_DOWN);
        p2.says(SIN_DOWN);
        SharingWorld.awaitAnswer(a, GeoWorld.SYDNEY, SEATTLE, CHANGE);
        awaitShared(0);
    }

    @Test
    void aViewSignedWithAnotherSecretChangesNothingAndIsCounted() {
        p2Sends(Mode.FORGED, "forged");
    }

    @Test
    void aViewWithAnOldTimeChangesNothingAndIsCounted() {
        p2Sends(Mode.STALE, "stale");
    }

    @Test
    void aViewRecordedForAnotherRequestChangesNothingAndIsCounted() {
        p2Sends(Mode.REPLAYED, "replayed");
    }

    @Test
    void garbageChangesNothingAndIsCounted() {
        p2Sends(Mode.GARBAGE, "malformed");
    }

    @Test
    void aViewOverTheSizeCapChangesNothingAndIsCounted() {
        p2Sends(Mode.OVERSIZED, "oversized");
    }

    @Test
    void anInstanceCutOffFromItsPeersFallsBackToItsOwnViewAndSaysSo() {
        p1.says(SIN_DOWN);
        p2.says(SIN_DOWN);
        SharingWorld.awaitAnswer(a, GeoWorld.SYDNEY, SEATTLE, CHANGE);
        int mark = a.log().length();
        p1.mode(Mode.SILENT);
        p2.mode(Mode.SILENT);
        // Its own probes see sin-1 up: alone, it answers with it again.
        SharingWorld.awaitAnswer(a, GeoWorld.SYDNEY, SINGAPORE, CHANGE);
        assertEquals(1, SharingWorld.metric(a, "geodns_shared_partitioned"));
        Map<String, Object> sharing = MiniJson.asObject(MiniJson.object(AdminHttp.ok(a, "/status.json"))
                .get("sharing"));
        assertEquals(true, sharing.get("own_view_only"));
        assertTrue(AdminHttp.ok(a, "/status").contains("id=\"own-view-only\""), "the banner is shown");
        p1.mode(Mode.GENUINE);
        p2.mode(Mode.GENUINE);
        SharingWorld.awaitAnswer(a, GeoWorld.SYDNEY, SEATTLE, CHANGE);
        Poll.until(CHANGE, Duration.ofMillis(50), "the end of own view only logged",
                () -> a.log().substring(mark), log -> log.contains("own view only is over"));
        String log = a.log().substring(mark);
        assertEquals(1, log.split("shared health: own view only:", -1).length - 1, "logged once: " + log);
        assertEquals(0, SharingWorld.metric(a, "geodns_shared_partitioned"));
    }

    @Test
    void aRequestForAViewWithoutAUsableNonceIsRefused() {
        assertEquals(400, AdminHttp.get(a, "/peer/view").status());
        assertEquals(400, AdminHttp.get(a, "/peer/view?nonce=short").status());
        assertEquals(200, AdminHttp.get(a, "/peer/view?nonce=0123456789abcdef").status());
    }
}
