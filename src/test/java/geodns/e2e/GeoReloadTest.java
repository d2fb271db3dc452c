package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.Via;
import geodns.geoip.testing.MmdbWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP reloads the GeoIP database and the zones folder with its geo.yaml: decisions cached for the old database
 * or config are not served once the new one is in, and a database or geo.yaml that cannot be loaded leaves the
 * old one serving. Each test has its own server, since each rewrites its files.
 */
@ExtendWith(ServerLogOnFailure.class)
class GeoReloadTest {
    /** 127.50.0.0/16 moves from Sydney (nearest singapore) to Madrid (nearest london) in the new database. */
    private static final String MOVING = "127.50.0.0/16";
    private static final String MOVING_SUBNET = "127.50.1.0/24";
    private static final InetAddress MOVING_SOURCE = GeoWorld.address("127.50.0.9");
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private Path mmdb;
    private Path zones;
    private GeodnsServer server;

    @BeforeEach
    void start() throws IOException {
        zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), GeoServer.GEO_YAML);
        mmdb = GeoWorld.database().add(MOVING, GeoWorld.city(GeoWorld.SYDNEY)).write(dir.resolve("cities.mmdb"));
        server = GeodnsServer.start(zones, "--geoip", mmdb.toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Set<String> answer(Via via, GeoQuery query) {
        return GeoWorld.addresses(query.ask(via, server).reply(), "A");
    }

    private Set<String> bySubnet() {
        return answer(Via.DNSJAVA_UDP, GeoQuery.of("app.example.com", "A").subnet(MOVING_SUBNET));
    }

    private Set<String> bySource() {
        return answer(Via.DIG_UDP, GeoQuery.of("app.example.com", "A").from(MOVING_SOURCE));
    }

    @Test
    void aNewDatabaseChangesCachedDecisionsAfterSighup() throws IOException {
        // Asked twice each, so the decisions are cached.
        for (int i = 0; i < 2; i++) {
            assertEquals(GeoWorld.SINGAPORE.ipv4(), bySubnet(), "before the reload (ECS)");
            assertEquals(GeoWorld.SINGAPORE.ipv4(), bySource(), "before the reload (source address)");
        }
        GeoWorld.database().add(MOVING, GeoWorld.city(GeoWorld.MADRID)).write(mmdb);
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "ECS " + MOVING_SUBNET + " answered from london after SIGHUP",
                this::bySubnet, GeoWorld.LONDON.ipv4()::equals);
        assertEquals(GeoWorld.LONDON.ipv4(), bySource(), "after the reload (source address)");
        // The rest of the world is as before.
        assertEquals(GeoWorld.SINGAPORE.ipv4(), answer(Via.DNSJAVA_UDP, GeoQuery.of("app.example.com", "A")
                .subnet(GeoWorld.SYDNEY.subnet())), "Sydney after the reload");
    }

    @Test
    void aDatabaseThatCannotBeReadOnReloadLeavesTheOldOneServing() throws IOException {
        assertEquals(GeoWorld.SINGAPORE.ipv4(), bySubnet(), "before the reload");
        // Replaced the way geoipupdate does it (a new file renamed over the old one), with garbage inside.
        Path garbage = Files.createTempFile(dir, "garbage", ".mmdb");
        Files.writeString(garbage, "this is not a MaxMind DB\n".repeat(100));
        Files.move(garbage, mmdb, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        int mark = server.log().length();
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "a log line naming the database that failed to load",
                () -> server.log().substring(mark), log -> log.contains(mmdb.getFileName().toString()));
        assertEquals(GeoWorld.SINGAPORE.ipv4(), bySubnet(), "after the failed reload (ECS)");
        assertEquals(GeoWorld.SINGAPORE.ipv4(), bySource(), "after the failed reload (source address)");
        assertTrue(server.isAlive(), "the server keeps running");
    }

    @Test
    void aChangedGeoYamlTakesEffectAfterSighup() throws IOException {
        GeoQuery unknown = GeoQuery.of("app.example.com", "A").subnet(GeoWorld.UNKNOWN_SUBNETS.get(0));
        assertEquals(GeoWorld.SINGAPORE.ipv4(), answer(Via.DNSJAVA_UDP, unknown), "unknown order: singapore first");
        Files.writeString(zones.resolve("geo.yaml"), GeoServer.GEO_YAML.replace(
                "unknown: [singapore, frankfurt, london, seattle]", "unknown: [seattle, london]"));
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "unknown clients answered from seattle after SIGHUP",
                () -> answer(Via.DNSJAVA_UDP, unknown), GeoWorld.SEATTLE.ipv4()::equals);
    }

    @Test
    void aBadGeoYamlOnReloadIsReportedWithItsLineAndLeavesTheOldConfigServing() throws IOException {
        GeoQuery unknown = GeoQuery.of("app.example.com", "A").subnet(GeoWorld.UNKNOWN_SUBNETS.get(0));
        assertEquals(GeoWorld.SINGAPORE.ipv4(), answer(Via.DNSJAVA_UDP, unknown), "before the reload");
        String bad = GeoServer.GEO_YAML.replace("unknown: [singapore, frankfurt, london, seattle]",
                "unknown: [seattle, paris]");
        int line = List.of(bad.split("\n")).indexOf("    unknown: [seattle, paris]") + 1;
        Files.writeString(zones.resolve("geo.yaml"), bad);
        int mark = server.log().length();
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "a log line 'geo.yaml:" + line + ": ...'",
                () -> server.log().substring(mark), log -> log.contains("geo.yaml:" + line + ": "));
        assertEquals(GeoWorld.SINGAPORE.ipv4(), answer(Via.DNSJAVA_UDP, unknown), "after the failed reload");
        assertEquals(GeoWorld.LONDON.ipv4(), answer(Via.DIG_TCP, GeoQuery.of("app.example.com", "A")
                .subnet(GeoWorld.MADRID.subnet())), "Madrid after the failed reload");
        assertTrue(server.isAlive(), "the server keeps running");
    }
    @Test
    void aReloadWithSeveralMistakesInGeoYamlLogsEveryOneAndLeavesTheOldConfigServing() throws IOException {
        GeoQuery unknown = GeoQuery.of("app.example.com", "A").subnet(GeoWorld.UNKNOWN_SUBNETS.get(0));
        String bad = GeoServer.GEO_YAML
                .replace("unknown: [singapore, frankfurt, london, seattle]", "unknown: [seattle, paris]")
                .replace("countries: { JP: [seattle], US: [frankfurt] }", "countries: { UK: [seattle] }");
        List<String> lines = List.of(bad.split("\n"));
        int paris = lines.indexOf("    unknown: [seattle, paris]") + 1;
        int uk = lines.indexOf("    countries: { UK: [seattle] }") + 1;
        Files.writeString(zones.resolve("geo.yaml"), bad);
        int mark = server.log().length();
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "log lines 'geo.yaml:" + paris + ": ...' and 'geo.yaml:"
                + uk + ": ... did you mean GB?'", () -> server.log().substring(mark),
                log -> log.contains("geo.yaml:" + paris + ": ") && log.contains("geo.yaml:" + uk + ": ")
                        && log.contains("did you mean GB?"));
        assertEquals(GeoWorld.SINGAPORE.ipv4(), answer(Via.DNSJAVA_UDP, unknown), "after the failed reload");
        assertTrue(server.isAlive(), "the server keeps running");
    }
}
