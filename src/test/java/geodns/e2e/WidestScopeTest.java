package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import geodns.geoip.testing.MmdbWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ECS scope of a geo answer is the widest prefix over which every client gets the same answer (RFC 7871
 * §7.2.1; gdnsd merges neighbouring networks alike): a resolver caches one answer for a whole region of networks
 * that rank the locations alike, and a narrower one at a border.
 */
@ExtendWith(ServerLogOnFailure.class)
class WidestScopeTest {
    /**
     * 10.16.0.0/12 is Tokyo, Osaka and Sydney, which all rank singapore, seattle, frankfurt, london; beside it
     * Berlin's 10.0.0.0/12 (frankfurt first) and unknown 10.32.0.0/11 (london first). In the unknown space, Tokyo
     * has 10.40.1.0/24 beside the unknown 10.40.0.0/24.
     */
    private static final MmdbWriter REGION = new MmdbWriter("GeoLite2-City")
            .add("10.0.0.0/12", MmdbWriter.city(52.52, 13.40, "DE", "EU", "BE"))
            .add("10.16.0.0/14", MmdbWriter.city(35.69, 139.69, "JP", "AS", "13"))
            .add("10.20.0.0/14", MmdbWriter.city(34.69, 135.50, "JP", "AS", "27"))
            .add("10.24.0.0/13", MmdbWriter.city(-33.87, 151.21, "AU", "OC", "NSW"))
            .add("10.40.1.0/24", MmdbWriter.city(35.69, 139.69, "JP", "AS", "13"));

    @TempDir
    static Path dir;
    private static GeodnsServer server;

    @BeforeAll
    static void start() throws java.io.IOException {
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(),
                GeoWorld.locationsYaml(GeoWorld.LOCATIONS) + """
                        names:
                          app.example.com:
                            ttl: 30
                            unknown: [london, frankfurt, seattle, singapore]
                        """);
        server = GeodnsServer.start(zones, "--geoip", REGION.write(dir.resolve("region.mmdb")).toString());
        // The walk of the DB runs beside serving; until it is in, scopes are the networks' (narrower, still true).
        Poll.until(Duration.ofSeconds(30), Duration.ofMillis(50), "the ECS scope table in the log", server::log,
                log -> log.contains("ECS scopes:"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int scope(Via via, String subnet, GeoWorld.Location expected) {
        GeoQuery.Result result = GeoQuery.of("app.example.com", "A").subnet(subnet).ask(via, server);
        assertEquals(expected.ipv4(), GeoWorld.addresses(result.reply(), "A"), () -> subnet + ": " + result);
        assertNotNull(result.ecs(), () -> "an ECS option in" + result);
        return result.ecs().scopePrefix();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aRegionWhereEveryNetworkRanksAlikeIsOneScope(Via via) {
        for (String subnet : List.of("10.16.0.0/24", "10.21.7.0/24", "10.31.255.0/24")) {
            assertEquals(12, scope(via, subnet, GeoWorld.SINGAPORE), subnet);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aNetworkAtABorderKeepsItsOwnPrefix(Via via) {
        assertEquals(24, scope(via, "10.40.1.0/24", GeoWorld.SINGAPORE));
        assertEquals(24, scope(via, "10.40.0.0/24", GeoWorld.LONDON), "unknown, beside it");
        assertEquals(12, scope(via, "10.3.0.0/24", GeoWorld.FRANKFURT), "Berlin");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aSourcePrefixWiderThanTheRegionIsToldTheRegionsPrefix(Via via) {
        assertEquals(12, scope(via, "10.0.0.0/8", GeoWorld.FRANKFURT), "10.0.0.0 is Berlin's");
    }
}
