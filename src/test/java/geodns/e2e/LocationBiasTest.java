package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.Cli;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Location bias (issue 21, Route 53's geoproximity bias): ranking compares each location's distance times
 * {@code 1 - bias/100}. Madrid is nearer London (1,263 km) than Frankfurt (1,445 km); with {@code bias: 25} on
 * Frankfurt, its biased distance is 1,445 x 0.75 = 1,084 km, so Madrid's clients go to Frankfurt, and back to
 * London when a reload takes the bias away.
 */
@ExtendWith(ServerLogOnFailure.class)
class LocationBiasTest {
    private static final Duration RELOAD = Duration.ofSeconds(15);
    private static final String MADRID_CLIENT = "127." + GeoWorld.MADRID.octet() + ".1.7";

    @TempDir
    static Path dir;
    static Path zones;
    static Path mmdb;
    static GeodnsServer server;

    static String geoYaml(boolean biased) {
        String locations = GeoWorld.locationsYaml(GeoWorld.LOCATIONS);
        if (biased) {
            locations = locations.replace("  frankfurt:\n", "  frankfurt:\n    bias: 25\n");
        }
        return locations + "names:\n  app.example.com: {}\n";
    }

    @BeforeAll
    static void start() throws IOException {
        zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), geoYaml(true));
        mmdb = GeoWorld.database().write(dir.resolve("cities.mmdb"));
        server = GeodnsServer.start(zones, "--geoip", mmdb.toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void biasedAgain() {
        ConfigFiles.replace(zones.resolve("geo.yaml"), geoYaml(true));
        Poll.until(RELOAD, Duration.ofMillis(100), "Madrid at frankfurt again", LocationBiasTest::madrid,
                GeoWorld.FRANKFURT.ipv4()::equals);
    }

    private static Set<String> madrid() {
        return GeoWorld.addresses(GeoQuery.of("app.example.com", "A").subnet(GeoWorld.MADRID.subnet())
                .ask(Via.DNSJAVA_UDP, server).reply(), "A");
    }

    @Test
    void aBiasOf25TakesAClientNearerLondonToFrankfurt() {
        assertEquals(GeoWorld.FRANKFURT.ipv4(), madrid());
        // The bias is frankfurt's: Berlin stays at frankfurt and Vancouver at seattle.
        assertEquals(GeoWorld.SEATTLE.ipv4(), GeoWorld.addresses(GeoQuery.of("app.example.com", "A")
                .subnet(GeoWorld.VANCOUVER.subnet()).ask(Via.DIG_UDP, server).reply(), "A"));
    }

    @Test
    void withoutTheBiasTheClientGoesBackToLondonAfterAReload() {
        ConfigFiles.replace(zones.resolve("geo.yaml"), geoYaml(false));
        Poll.until(RELOAD, Duration.ofMillis(100), "Madrid at london without the bias", LocationBiasTest::madrid,
                GeoWorld.LONDON.ipv4()::equals);
    }

    @Test
    void aBiasOutOfRangeIsAnErrorAtItsLineAndTheLoadedConfigKeepsServing() {
        String bad = geoYaml(true).replace("bias: 25", "bias: 150");
        ConfigFiles.replace(zones.resolve("geo.yaml"), bad);
        String error = zones.resolve("geo.yaml") + ":" + (List.of(bad.split("\n")).indexOf("    bias: 150") + 1)
                + ": bias of frankfurt must be a whole number from -99 to 99";
        Map<String, Object> load = Poll.until(RELOAD, Duration.ofMillis(100), "the failed reload in /status.json",
                () -> MiniJson.asObject(MiniJson.object(AdminHttp.ok(server, "/status.json")).get("last_load")),
                l -> Boolean.FALSE.equals(l.get("ok")));
        assertTrue(String.valueOf(load.get("errors")).contains(error), () -> error + " in " + load);
        assertEquals(GeoWorld.FRANKFURT.ipv4(), madrid(), "the biased config still serves");
    }

    @Test
    void explainShowsTheBiasAndTheBiasedDistanceRankingCompared() {
        Map<String, Object> decision = MiniJson.asObject(MiniJson.object(AdminHttp.ok(server, "/explain?ip="
                + MADRID_CLIENT + "&name=app.example.com")).get("decision"));
        assertEquals("frankfurt", decision.get("chosen"), () -> "" + decision);
        List<Map<String, Object>> ranked = MiniJson.asObjects(decision.get("ranked_locations"));
        Map<String, Object> frankfurt = ranked.get(0);
        Map<String, Object> london = ranked.get(1);
        assertEquals(List.of("frankfurt", "london"), List.of(frankfurt.get("location"), london.get("location")));
        assertEquals(25L, frankfurt.get("bias"));
        double km = ((Number) frankfurt.get("distance_km")).doubleValue();
        assertEquals(km * 0.75, ((Number) frankfurt.get("biased_km")).doubleValue(), 0.01, () -> "" + frankfurt);
        assertTrue(((Number) london.get("distance_km")).doubleValue() < km, () -> "london is nearer: " + ranked);
        assertEquals(0L, london.get("bias"));
    }

    @Test
    void theExplainCommandShowsTheBiasedRankingFromTheFiles() {
        Cli.Result cli = Cli.run(30, "explain", "--zones", zones.toString(), "--geoip", mmdb.toString(),
                MADRID_CLIENT, "app.example.com");
        assertEquals(0, cli.exitCode(), () -> "" + cli);
        assertTrue(cli.stdout().contains("chosen: frankfurt"), () -> "" + cli);
        assertTrue(cli.stdout().matches("(?s).*\\[frankfurt, 14\\d\\d\\.\\d+, true, false, 25, 10\\d\\d\\.\\d+, 2].*"),
                () -> "frankfurt's line: distance, bias 25, biased distance, weight\n" + cli);
    }

    @Test
    void statusShowsEachLocationsBias() {
        Map<String, Object> status = MiniJson.object(AdminHttp.ok(server, "/status.json"));
        for (Map<String, Object> location : MiniJson.asObjects(status.get("locations"))) {
            assertEquals(location.get("name").equals("frankfurt") ? 25L : 0L, location.get("bias"),
                    () -> "" + location);
        }
        assertTrue(AdminHttp.ok(server, "/status").contains("frankfurt (bias +25%)"), "the page names the bias");
    }
}
