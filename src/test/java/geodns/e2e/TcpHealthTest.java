package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeoWorld.Location;
import geodns.e2e.support.GeoWorld.Node;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.HealthLog;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.TcpListeners;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP-connect health check end to end: each node's address (127.0.44.N, also what answers carry) has a real
 * TCP listener at one port, and geo.yaml probes {@code tcp://{ip}:PORT} every 200 ms (timeout 500 ms, fall 2,
 * rise 2). A node whose port accepts is up; one whose port is closed is down. The client is Madrid (nearest
 * london: lon-1 and lon-2, then frankfurt: fra-1). After each test every port is open and every node up again.
 */
@ExtendWith(ServerLogOnFailure.class)
class TcpHealthTest {
    private static final Duration CHANGE = Duration.ofSeconds(10);   // many times fall/rise x interval
    private static final Duration EVERY = Duration.ofMillis(40);
    private static final Location LONDON = new Location("london", 51.507, -0.128, List.of(
            new Node("lon-1", "127.0.44.1", null), new Node("lon-2", "127.0.44.2", null)));
    private static final Location FRANKFURT = new Location("frankfurt", 50.110, 8.682, List.of(
            new Node("fra-1", "127.0.44.3", null)));
    private static final List<String> NODES = List.of("lon-1", "lon-2", "fra-1");

    @TempDir
    static Path dir;
    private static TcpListeners ports;
    private static GeodnsServer server;

    @BeforeAll
    static void start() throws IOException {
        ports = TcpListeners.start(List.of(ip("lon-1"), ip("lon-2"), ip("fra-1")));
        String yaml = "health:\n  url: \"tcp://{ip}:" + ports.port() + "\"\n  interval: 200ms\n  timeout: 500ms\n"
                + "  jitter: 0.1\n  fall: 2\n  rise: 2\n"
                + GeoWorld.locationsYaml(List.of(LONDON, FRANKFURT)) + "names:\n  app.example.com:\n    ttl: 5\n";
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), yaml);
        Path mmdb = GeoWorld.database().write(dir.resolve("cities.mmdb"));
        server = GeodnsServer.start(zones, "--geoip", mmdb.toString());
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (ports != null) {
                ports.close();
            }
        }
    }

    private int logMark;

    @BeforeEach
    void mark() {
        logMark = server.log().length();
    }

    @AfterEach
    void everyPortOpenAndEveryNodeUpAgain() {
        NODES.stream().map(TcpHealthTest::ip).filter(a -> !ports.isOpen(a)).forEach(ports::open);
        Poll.until(CHANGE, EVERY, "every node up in the server's log",
                () -> NODES.stream().filter(n -> !HealthLog.up(server.log(), n)).toList(), List::isEmpty);
        awaitMadrid("both london nodes again", Set.of(ip("lon-1"), ip("lon-2")));
    }

    private static String ip(String node) {
        return List.of(LONDON, FRANKFURT).stream().flatMap(l -> l.nodes().stream())
                .filter(n -> n.name().equals(node)).findFirst().orElseThrow().ipv4();
    }

    private static Set<String> madrid() {
        return GeoWorld.addresses(GeoQuery.of("app.example.com", "A").subnet(GeoWorld.MADRID.subnet())
                .ask(Via.DNSJAVA_UDP, server).reply(), "A");
    }

    private static void awaitMadrid(String what, Set<String> expected) {
        Poll.until(CHANGE, EVERY, "Madrid's answer: " + what, TcpHealthTest::madrid, expected::equals);
    }

    private static List<HealthLog.Transition> transitions(String node) {
        return HealthLog.transitions(server.log(), node);
    }

    @Test
    void nodesWhosePortsAcceptAreProbedAndAnswered() {
        List<Integer> before = NODES.stream().map(n -> ports.accepted(ip(n))).toList();
        Poll.until(CHANGE, EVERY, "every node connected to three more times", () -> NODES.stream()
                .filter(n -> ports.accepted(ip(n)) < before.get(NODES.indexOf(n)) + 3).toList(), List::isEmpty);
        assertEquals(Set.of(ip("lon-1"), ip("lon-2")), madrid());
        assertEquals(List.of(), HealthLog.transitions(server.log().substring(logMark)), "no node went down");
    }

    @Test
    void aNodeWhosePortIsClosedGoesDownAfterFallFailuresAndLeavesTheAnswers() {
        ports.close(ip("lon-1"));
        awaitMadrid("lon-2 only", Set.of(ip("lon-2")));
        HealthLog.Transition down = transitions("lon-1").get(transitions("lon-1").size() - 1);
        assertTrue(!down.isUp() && down.line().contains("(2 in a row: connection refused"), down::line);
    }

    @Test
    void aNodeWhosePortOpensAgainComesBackAfterRiseSuccesses() {
        ports.close(ip("lon-1"));
        awaitMadrid("lon-2 only", Set.of(ip("lon-2")));
        ports.open(ip("lon-1"));
        awaitMadrid("lon-1 back", Set.of(ip("lon-1"), ip("lon-2")));
        HealthLog.Transition up = transitions("lon-1").get(transitions("lon-1").size() - 1);
        assertTrue(up.isUp() && up.line().contains("(2 in a row: connected"), up::line);
    }

    @Test
    void aReloadThatChangesOnlyTheZoneKeepsTheRunningProber() throws IOException {
        Path zone = dir.resolve("zones/example.com.zone");
        ConfigFiles.replace(zone, Files.readString(zone) + "; edited\n");
        Poll.until(CHANGE, EVERY, "a reload in the log", () -> server.log().substring(logMark),
                log -> log.contains("reloaded: "));
        assertFalse(server.log().substring(logMark).contains("health: probing"), "the probes were not restarted");
    }

    @Test
    void aLocationWithEveryPortClosedSendsItsClientsToTheNextNearest() {
        ports.close(ip("lon-1"));
        ports.close(ip("lon-2"));
        awaitMadrid("frankfurt's node", Set.of(ip("fra-1")));
    }
}
