package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.geoip.GeoDatabase;
import geodns.geoip.testing.MmdbWriter;
import geodns.server.health.HealthView;
import geodns.server.testing.Dns;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/** Geo decisions across snapshots: without a database, with another one, and the per-subnet decision cache. */
class GeoAnswerSnapshotsTest extends GeoAnswersWorld {
    // ---- snapshots ----

    @Test
    void withoutADatabaseEveryClientGetsTheDefaultOrder() {
        Dns unplaced = new Dns(compile(sources, null, HealthView.allUp()));
        Message reply = unplaced.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"), RESOLVER);
        assertEquals(LONDON, a(reply));
        assertEquals(0, scope(reply));
        assertEquals(FRANKFURT, a(unplaced.ask(Dns.queryWithClientSubnet("fallback.example.com", Type.A,
                "10.1.2.0/24"), RESOLVER)));
    }

    @Test
    void newSnapshotWithAnotherDatabaseDecidesAgain() throws IOException {
        Dns before = new Dns(compile(sources, cities, HealthView.allUp()));
        assertEquals(SINGAPORE, a(before.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"),
                RESOLVER)), "cached in the first snapshot: Sydney");

        Path moved = new MmdbWriter("GeoLite2-City")
                .add("10.1.0.0/16", MmdbWriter.city(40.42, -3.70, "ES", "EU", "MD"))   // now Madrid
                .write(dir.resolve("moved.mmdb"));
        try (GeoDatabase movedDb = GeoDatabase.open(moved)) {
            Dns after = new Dns(compile(sources, movedDb, HealthView.allUp()));
            assertEquals(LONDON, a(after.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"),
                    RESOLVER)), "the new snapshot uses the new DB, not the old snapshot's decision");
            assertEquals(SINGAPORE, a(before.ask(Dns.queryWithClientSubnet("app.example.com", Type.A,
                    "10.1.2.0/24"), RESOLVER)), "the old snapshot is unchanged");
        }
    }

    @Test
    void decisionsAreCachedPerSubnetNotPerName() {
        // The same subnet asked for different geo names: each name gets its own ranking.
        assertEquals(SINGAPORE, a(viaSubnet("app.example.com", Type.A, "10.1.2.0/24")));
        assertEquals(SEATTLE, a(viaSubnet("tuned.example.com", Type.A, "10.1.2.0/24")));
        assertEquals(SINGAPORE, a(viaSubnet("app.example.com", Type.A, "10.1.2.0/24")));
    }

    @Test
    void neighbouringSubnetsInDifferentNetworksAreNotConfused() {
        assertEquals(LONDON, a(viaSubnet("app.example.com", Type.A, "10.7.0.0/24")), "Madrid");
        assertEquals(SINGAPORE, a(viaSubnet("app.example.com", Type.A, "10.7.1.0/24")), "Tokyo");
        assertEquals(LONDON, a(viaSubnet("app.example.com", Type.A, "10.7.2.0/24")), "Madrid");
    }

    /** A snapshot with its own routing (an empty decision cache) counting into {@code metrics}. */
    static Dns freshDns(geodns.server.metrics.Metrics metrics) {
        geodns.server.route.Routing routing = Zones.routing(sources, cities, metrics);
        return new Dns(Zones.compile(sources, routing, HealthView.allUp(), metrics));
    }

    static Message viaSubnet(Dns server, String cidr) {
        return server.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, cidr), RESOLVER);
    }

    static void assertGeoIpLookups(geodns.server.metrics.Metrics metrics, int lookups, int cached) {
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("geodns_geoip_cache_total{result=\"miss\",} " + lookups + ".0")
                && scrape.contains("geodns_geoip_cache_total{result=\"hit\",} " + cached + ".0"), scrape);
    }

    @Test
    void theGroupsOfANetworkOf16OrWiderShareOneGeoIpLookup() {
        geodns.server.metrics.Metrics metrics = new geodns.server.metrics.Metrics();
        Dns server = freshDns(metrics);
        assertEquals(SINGAPORE, a(viaSubnet(server, "10.1.2.0/24")), "Sydney");
        assertEquals(SINGAPORE, a(viaSubnet(server, "10.1.3.0/24")), "Sydney");
        assertEquals(16, scope(viaSubnet(server, "10.1.200.0/24")));
        assertGeoIpLookups(metrics, 1, 2);
    }

    @Test
    void theGroupsOfABlockSplitBetweenNetworksAreLookedUpEach() {
        geodns.server.metrics.Metrics metrics = new geodns.server.metrics.Metrics();
        Dns server = freshDns(metrics);
        assertEquals(LONDON, a(viaSubnet(server, "10.7.0.0/24")), "Madrid");
        assertEquals(SINGAPORE, a(viaSubnet(server, "10.7.1.0/24")), "Tokyo");
        assertEquals(LONDON, a(viaSubnet(server, "10.7.0.0/24")), "Madrid");
        assertGeoIpLookups(metrics, 2, 1);
    }

    @Test
    void aHealthChangeKeepsTheDecisionCacheOfTheDatabaseAndConfig() {
        geodns.server.metrics.Metrics metrics = new geodns.server.metrics.Metrics();
        geodns.server.route.Routing routing = Zones.routing(sources, cities, metrics);
        Dns before = new Dns(Zones.compile(sources, routing, HealthView.allUp(), metrics));
        before.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"), RESOLVER);
        HealthView changed = new HealthView(java.util.Map.of("unrelated-node",
                new geodns.server.health.NodeHealth(false, "timeout", 1, null, java.time.Instant.now(), 3, false)));
        Dns after = new Dns(Zones.compile(sources, routing, changed, metrics));
        after.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"), RESOLVER);
        assertTrue(metrics.scrape().contains("geodns_geoip_cache_total{result=\"hit\",} 1.0"),
                () -> "the second snapshot reuses the first one's decision:\n" + metrics.scrape());
    }
}
