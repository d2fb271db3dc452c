package geodns.server.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import geodns.geoip.GeoDatabase;
import geodns.geoip.GeoPoint;
import geodns.geoip.Location;
import geodns.geoip.Ranker;
import geodns.geoip.RankingPolicy;
import geodns.geoip.testing.MmdbWriter;
import geodns.server.metrics.Metrics;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ECS scope is the widest prefix over which every client ranks the geo name's locations alike: neighbouring
 * networks of equal rankings are merged, unknown ranges included, and a border keeps the network's own prefix.
 */
class WidestScopeTest {
    static final List<Location> FOUR = List.of(new Location("london", new GeoPoint(51.507, -0.128)),
            new Location("frankfurt", new GeoPoint(50.110, 8.682)),
            new Location("seattle", new GeoPoint(47.606, -122.332)),
            new Location("singapore", new GeoPoint(1.352, 103.820)));
    static final int APP = 0;        // nearest first; unknown: as listed (london, frankfurt, seattle, singapore)
    static final int ONE_SITE = 1;   // london only: every client ranks alike

    @TempDir
    Path dir;
    GeoDatabase db;
    Routing routing;

    @BeforeEach
    void load() throws IOException {
        db = GeoDatabase.open(new MmdbWriter("GeoLite2-City")
                // Tokyo, Osaka and Sydney all rank singapore, seattle, frankfurt, london: 10.0.0.0/14
                .add("10.0.0.0/16", MmdbWriter.city(35.68, 139.65, "JP", "AS", "13"))
                .add("10.1.0.0/16", MmdbWriter.city(34.69, 135.50, "JP", "AS", "27"))
                .add("10.2.0.0/15", MmdbWriter.city(-33.87, 151.21, "AU", "OC", "NSW"))
                // Madrid ranks as the unknown order does (london, frankfurt, seattle, singapore): 10.4.0.0/14
                .add("10.4.0.0/16", MmdbWriter.city(40.42, -3.70, "ES", "EU", "MD"))
                // Munich (frankfurt first) beside unknown 10.9.0.0/16: a border
                .add("10.8.0.0/16", MmdbWriter.city(48.14, 11.58, "DE", "EU", "BY"))
                // Tokyo's /25 beside Munich's /25: a border inside a /24
                .add("10.12.0.0/25", MmdbWriter.city(35.68, 139.65, "JP", "AS", "13"))
                .add("10.12.0.128/25", MmdbWriter.city(48.14, 11.58, "DE", "EU", "BY"))
                .add("2001:db8::/48", MmdbWriter.city(35.68, 139.65, "JP", "AS", "13"))
                .add("2001:db8:1::/48", MmdbWriter.city(34.69, 135.50, "JP", "AS", "27"))
                .write(dir.resolve("city.mmdb")));
        routing = new Routing(db, List.of(new Ranker(FOUR, RankingPolicy.nearest()),
                new Ranker(FOUR.subList(0, 1), RankingPolicy.nearest())), new Metrics());
        routing.awaitWidestScopes();
    }

    @AfterEach
    void close() throws IOException {
        db.close();
    }

    private Route route(int geoName, String subnet) throws IOException {
        String[] parts = subnet.split("/");
        InetAddress address = InetAddress.getByName(parts[0]);
        int family = address.getAddress().length == 4 ? 1 : 2;
        return routing.route(geoName, family, Arrays.copyOf(address.getAddress(), 16), Integer.parseInt(parts[1]));
    }

    private String first(Route route) {
        return FOUR.get(route.order()[0]).name();
    }

    @Test
    void neighbouringNetworksThatRankAlikeShareOneScope() throws IOException {
        for (String client : List.of("10.0.5.0/24", "10.1.200.0/24", "10.3.255.0/24")) {
            Route route = route(APP, client);
            assertEquals("singapore", first(route), client);
            assertEquals(14, route.scopePrefix(), client);
        }
    }

    @Test
    void unknownRangesMergeWithNetworksThatRankAsTheUnknownOrder() throws IOException {
        assertEquals("london", first(route(APP, "10.4.1.0/24")), "Madrid");
        assertEquals(14, route(APP, "10.4.1.0/24").scopePrefix());
        assertEquals(14, route(APP, "10.6.1.0/24").scopePrefix(), "unknown, beside Madrid");
    }

    @Test
    void aBorderKeepsTheNetworksPrefix() throws IOException {
        assertEquals("frankfurt", first(route(APP, "10.8.1.0/24")), "Munich");
        assertEquals(16, route(APP, "10.8.1.0/24").scopePrefix());
        assertEquals("london", first(route(APP, "10.9.1.0/24")), "unknown");
        assertEquals(16, route(APP, "10.9.1.0/24").scopePrefix());
    }

    @Test
    void aBorderInsideAGroupIsTheGroup() throws IOException {
        assertEquals(24, route(APP, "10.12.0.0/24").scopePrefix());
        assertEquals(24, route(APP, "10.12.0.200/32").scopePrefix());
    }

    @Test
    void aGeoNameEveryClientRanksAlikeHasScopeZero() throws IOException {
        assertEquals(0, route(ONE_SITE, "10.8.1.0/24").scopePrefix());
        assertEquals(3, route(ONE_SITE, "2001:db8:1::/56").scopePrefix(),
                "::/3 holds the IPv4 space of the tree, which IPv6 scopes never take in");
    }

    @Test
    void aSourcePrefixShorterThanTheBlockGetsTheBlocksScope() throws IOException {
        assertEquals(14, route(APP, "10.0.0.0/12").scopePrefix(), "10.0.0.0/12 is more than one block");
        assertEquals(14, route(APP, "10.0.0.0/8").scopePrefix());
    }

    @Test
    void ipv6NeighboursThatRankAlikeShareOneScope() throws IOException {
        assertEquals("singapore", first(route(APP, "2001:db8:1:100::/56")));
        assertEquals(47, route(APP, "2001:db8:1:100::/56").scopePrefix());
        assertEquals(47, route(APP, "2001:db8:0:ff00::/56").scopePrefix());
    }

    @Test
    void groupsDecidedBeforeTheWalkWasDoneAreDecidedAgain() throws IOException {
        Routing fresh = new Routing(db, List.of(new Ranker(FOUR, RankingPolicy.nearest())), new Metrics());
        Route early = fresh.route(APP, 1, Arrays.copyOf(new byte[] {10, 1, 7, 0}, 16), 24);
        fresh.awaitWidestScopes();
        assertEquals(first(early), first(fresh.route(APP, 1, Arrays.copyOf(new byte[] {10, 1, 7, 0}, 16), 24)));
        assertEquals(14, fresh.route(APP, 1, Arrays.copyOf(new byte[] {10, 1, 7, 0}, 16), 24).scopePrefix(),
                "early: /" + early.scopePrefix());
        assertEquals(14, fresh.route(APP, 1, Arrays.copyOf(new byte[] {10, 1, 0, 0}, 16), 16).scopePrefix(),
                "a /16 block");
    }

    @Test
    void theSameGroupGetsTheSameScopeFromTheCache() throws IOException {
        Route decided = route(APP, "10.1.7.0/24");
        assertEquals(decided, route(APP, "10.1.7.0/24"));
        assertEquals(14, route(APP, "10.1.7.9/32").scopePrefix());
    }
}
