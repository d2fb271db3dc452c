package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.HealthCluster;
import geodns.e2e.support.HealthLog;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drain and force (gdnsd's admin state) end to end: the operator's {@code zones/admin-state.yaml}, reloaded like
 * the zones, and {@code POST /admin-state} on the admin port, kept in the {@code --admin-state} file. Nodes are
 * real local HTTP endpoints probed every 200 ms (fall 2, rise 2); the client is Madrid (london, then frankfurt).
 * After each test nothing is drained or forced and every node is up again.
 */
@ExtendWith(ServerLogOnFailure.class)
class AdminStateTest {
    private static final Duration CHANGE = Duration.ofSeconds(8);   // a reload poll (2 s) and a few probes
    private static final Duration EVERY = Duration.ofMillis(50);

    @TempDir
    static Path dir;
    private static HealthCluster cluster;
    private static Path stateFile;
    private static Path keptFile;
    private int logMark;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(dir.resolve("kept"));
        keptFile = dir.resolve("kept").resolve("admin-state.yaml");
        cluster = HealthCluster.start(dir, "5", List.of("--admin-state", keptFile.toString()),
                "interval: 200ms", "timeout: 300ms", "jitter: 0.2", "fall: 2", "rise: 2", "initial: up");
        stateFile = dir.resolve("zones").resolve("admin-state.yaml");
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
    void nothingDrainedOrForced() throws IOException {
        Files.deleteIfExists(stateFile);
        for (String node : cluster.nodes()) {
            post("/admin-state?node=" + node + "&state=clear");
        }
        for (String location : List.of("london", "frankfurt", "seattle", "singapore")) {
            post("/admin-state?location=" + location + "&state=clear");
        }
        cluster.web.allHealthy();
        cluster.awaitAllUp(CHANGE);
        awaitMadrid("both london nodes again", addresses("lon-1", "lon-2"));
    }

    private static AdminHttp.Response post(String pathAndQuery) {
        return AdminHttp.post(cluster.server, pathAndQuery);
    }

    private String logSinceMark() {
        return cluster.server.log().substring(logMark);
    }

    private static Set<String> addresses(String... nodes) {
        return Set.of(List.of(nodes).stream().map(cluster::address).toArray(String[]::new));
    }

    private static Set<String> awaitMadrid(String what, Set<String> expected) {
        return Poll.until(CHANGE, EVERY, "Madrid's answer: " + what, () -> cluster.answerFor(GeoWorld.MADRID),
                expected::equals);
    }

    private static void writeState(String yaml) throws IOException {
        Path temporary = stateFile.resolveSibling(".admin-state.tmp");
        Files.writeString(temporary, yaml);
        Files.move(temporary, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private String awaitLog(String what, Predicate<String> done) {
        return Poll.until(CHANGE, EVERY, what, this::logSinceMark, done);
    }

    // ------------------------------------------------------------------------------------------ the state file

    @Test
    void aNodeDrainedInTheStateFileLeavesAnswersAndIsStillProbed() throws IOException {
        writeState("nodes:\n  lon-1: drain\n");
        awaitMadrid("lon-2 alone", addresses("lon-2"));
        int probes = cluster.web.requests(cluster.address("lon-1"));
        Poll.until(CHANGE, EVERY, "lon-1 still probed", () -> cluster.web.requests(cluster.address("lon-1")),
                n -> n >= probes + 3);
        assertTrue(logSinceMark().contains("admin state: node lon-1 drain (from admin-state.yaml)"), this::logSinceMark);
    }

    @Test
    void aLocationDrainedInTheStateFileSendsItsClientsToTheNextLocation() throws IOException {
        writeState("locations:\n  london: { state: drain, reason: \"kernel upgrade\" }\n");
        awaitMadrid("frankfurt's nodes", addresses("fra-1", "fra-2"));
        assertEquals(addresses("fra-1", "fra-2"), cluster.answerFor(GeoWorld.BERLIN), "Berlin is not affected");
    }

    @Test
    void forceUpKeepsANodeInAnswersWhileItsProbesFail() throws IOException {
        writeState("nodes:\n  lon-1: force-up\n");
        awaitLog("the force-up applied", log -> log.contains("admin state: node lon-1 force-up"));
        cluster.web.stop(cluster.address("lon-1"));
        awaitLog("lon-1 down by its probes", log -> HealthLog.transitions(log, "lon-1").stream()
                .anyMatch(t -> t.wasUp() && !t.isUp()));
        assertEquals(addresses("lon-1", "lon-2"), cluster.answerFor(GeoWorld.MADRID), "lon-1 is still answered");
    }

    @Test
    void forceDownTakesAHealthyNodeOut() throws IOException {
        writeState("nodes:\n  lon-2: force-down\n");
        awaitMadrid("lon-1 alone", addresses("lon-1"));
    }

    @Test
    void aStateFileWithMistakesNamesEachByFileAndLineAndTheOldStateStays() throws IOException {
        writeState("nodes:\n  lon-1: drain\n");
        awaitMadrid("lon-2 alone", addresses("lon-2"));
        writeState("nodes:\n  lon-1: drain\n  lon-9: drain\n  lon-2: sleep\nlocations:\n  mars: drain\n");
        String log = awaitLog("both mistakes reported", l -> l.contains("admin-state.yaml:3: unknown node 'lon-9'")
                && l.contains("admin-state.yaml:4: 'sleep' is not a state for node lon-2")
                && l.contains("admin-state.yaml:6: unknown location 'mars'"));
        assertTrue(log.contains("reload failed, still serving the previous config"), log);
        assertEquals(addresses("lon-2"), cluster.answerFor(GeoWorld.MADRID), "the old state still applies");
    }

    @Test
    void anEntryWithAnExpiryEndsByItself() throws IOException {
        String until = java.time.Instant.now().plusSeconds(3).toString();
        writeState("nodes:\n  lon-1: { state: drain, until: " + until + " }\n");
        awaitMadrid("lon-2 alone", addresses("lon-2"));
        awaitMadrid("lon-1 back after its drain expired", addresses("lon-1", "lon-2"));
        assertTrue(logSinceMark().contains("admin state: node lon-1 cleared (expired)"), this::logSinceMark);
    }

    // ------------------------------------------------------------------------------------------ over HTTP

    @Test
    void aDrainPostedOverHttpTakesTheNodeOutAndIsShownCountedAndExplained() {
        AdminHttp.Response r = post("/admin-state?node=lon-1&state=drain&reason=disk%20swap");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.body().contains("node lon-1: drain (disk swap; from http)"), r::toString);
        // The POST returns once the new snapshot serves.
        assertEquals(addresses("lon-2"), cluster.answerFor(GeoWorld.MADRID));
        String status = AdminHttp.ok(cluster.server, "/status.json");
        assertTrue(status.matches("(?s).*\"name\":\"lon-1\"[^}]*\"admin_state\":\"drain\"[^}]*\"answered\":false.*"),
                status);
        assertTrue(AdminHttp.ok(cluster.server, "/status").contains(">drain</b>"), "a badge on /status");
        String explain = AdminHttp.ok(cluster.server, "/explain?ip=" + GeoWorld.MADRID.subnet().replaceAll("/.*", "")
                + "&name=app.example.com&type=A");
        assertTrue(explain.contains("node lon-1: drain (disk swap; from http)"), explain);
        String metrics = AdminHttp.ok(cluster.server, "/metrics").replace(",}", "}");
        assertTrue(metrics.contains("geodns_admin_state_nodes{state=\"drain\"} 1.0"), metrics);
        assertTrue(metrics.contains("geodns_admin_state_changes_total{state=\"drain\"}"), metrics);
        assertTrue(logSinceMark().contains("admin state: node lon-1 drain (disk swap; from http)"), this::logSinceMark);
    }

    @Test
    void theHttpStateWinsOverTheFileAndClearingItGivesTheFileBack() throws IOException {
        writeState("locations:\n  london: drain\n");
        awaitMadrid("frankfurt's nodes", addresses("fra-1", "fra-2"));
        assertEquals(200, post("/admin-state?location=london&state=force-up").status());
        assertEquals(addresses("lon-1", "lon-2"), cluster.answerFor(GeoWorld.MADRID), "HTTP's force-up wins");
        assertEquals(200, post("/admin-state?location=london&state=clear").status());
        assertEquals(addresses("fra-1", "fra-2"), cluster.answerFor(GeoWorld.MADRID), "the file's drain again");
    }

    @Test
    void aStatePostedOverHttpSurvivesARestart() {
        assertEquals(200, post("/admin-state?node=lon-2&state=drain&for=1h").status());
        assertTrue(Files.exists(keptFile), "kept in the --admin-state file");
        // A second server on the same zones and kept file: the state is read back at start, as after a restart.
        try (GeodnsServer restarted = GeodnsServer.start(dir.resolve("zones"), "--geoip",
                dir.resolve("cities.mmdb").toString(), "--admin-state", keptFile.toString())) {
            Set<String> got = GeoWorld.addresses(GeoQuery.of("app.example.com", "A")
                    .subnet(GeoWorld.MADRID.subnet()).ask(Via.DNSJAVA_UDP, restarted).reply(), "A");
            assertEquals(addresses("lon-1"), got, "lon-2 still drained after the restart");
        }
    }

    @Test
    void aStateCannotBeSetWithGetNorForANodeTheConfigDoesNotHave() {
        AdminHttp.Response get = AdminHttp.get(cluster.server, "/admin-state?node=lon-1&state=drain");
        assertEquals(405, get.status(), get::toString);
        AdminHttp.Response unknown = post("/admin-state?node=lon-9&state=drain");
        assertEquals(404, unknown.status(), unknown::toString);
        AdminHttp.Response bad = post("/admin-state?node=lon-1&state=sleep");
        assertEquals(400, bad.status(), bad::toString);
        assertEquals(addresses("lon-1", "lon-2"), cluster.answerFor(GeoWorld.MADRID), "nothing changed");
    }
}
