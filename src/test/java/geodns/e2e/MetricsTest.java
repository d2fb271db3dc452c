package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.Ask;
import geodns.e2e.support.Checks;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.Reply;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.Via;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} moves with real traffic: every query, malformed packet, dropped packet, geo answer, ECS option,
 * GeoIP cache lookup and reload is counted under the name and labels docs/operations.md promises. The class has a
 * server of its own (the geo world of {@link GeoWorld}), so no other test's traffic shows in its counters; each
 * test compares one scrape before with one after.
 */
@ExtendWith(ServerLogOnFailure.class)
class MetricsTest {
    private static final String QUERIES = "geodns_queries_total";
    private static final long SERIAL = 2026112301L;
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static Path zoneFile;
    static GeodnsServer server;

    @BeforeAll
    static void start() throws IOException {
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), GeoServer.GEO_YAML);
        zoneFile = zones.resolve("example.com.zone");
        Path mmdb = GeoWorld.database().write(dir.resolve("cities.mmdb"));
        server = GeodnsServer.start(zones, "--geoip", mmdb.toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static PromScrape scrape() {
        return PromScrape.of(server);
    }

    private static Reply ask(Via via, String name, String type) {
        return via.ask(server, Ask.of(name, type));
    }

    private static double queries(PromScrape s, String transport, String qtype, String rcode) {
        return s.sum(QUERIES, "transport", transport, "qtype", qtype, "rcode", rcode);
    }

    // ------------------------------------------------------------------------------------------ queries

    @Test
    void aUdpQueryIsCountedByTransportTypeAndRcode() {
        PromScrape before = scrape();
        Checks.rcode(ask(Via.DIG_UDP, "www.example.com", "A"), "NOERROR");
        PromScrape after = scrape();
        assertEquals(queries(before, "udp", "A", "NOERROR") + 1, queries(after, "udp", "A", "NOERROR"),
                () -> "udp A NOERROR after one query:\n" + after);
        assertEquals(queries(before, "tcp", "A", "NOERROR"), queries(after, "tcp", "A", "NOERROR"),
                "tcp A NOERROR must not move for a UDP query");
    }

    @Test
    void aTcpQueryIsCountedUnderTransportTcp() {
        PromScrape before = scrape();
        Checks.rcode(ask(Via.DIG_TCP, "www.example.com", "AAAA"), "NOERROR");
        PromScrape after = scrape();
        assertEquals(queries(before, "tcp", "AAAA", "NOERROR") + 1, queries(after, "tcp", "AAAA", "NOERROR"),
                () -> "tcp AAAA NOERROR after one query:\n" + after);
        assertEquals(queries(before, "udp", "AAAA", "NOERROR"), queries(after, "udp", "AAAA", "NOERROR"),
                "udp AAAA NOERROR must not move for a TCP query");
    }

    @Test
    void aMissingNameIsCountedAsNxdomain() {
        PromScrape before = scrape();
        Checks.rcode(ask(Via.DNSJAVA_UDP, "no-such-name.example.com", "A"), "NXDOMAIN");
        PromScrape after = scrape();
        assertEquals(queries(before, "udp", "A", "NXDOMAIN") + 1, queries(after, "udp", "A", "NXDOMAIN"),
                () -> "udp A NXDOMAIN:\n" + after);
        assertEquals(queries(before, "udp", "A", "NOERROR"), queries(after, "udp", "A", "NOERROR"));
    }

    @Test
    void aNameOutsideOurZonesIsCountedAsRefused() {
        PromScrape before = scrape();
        Checks.rcode(ask(Via.DNSJAVA_UDP, "www.example.org", "MX"), "REFUSED");
        PromScrape after = scrape();
        assertEquals(queries(before, "udp", "MX", "REFUSED") + 1, queries(after, "udp", "MX", "REFUSED"),
                () -> "udp MX REFUSED:\n" + after);
    }

    @Test
    void aMalformedPacketIsCountedAsFormerrAndMalformed() {
        // Two OPT records: RFC 6891 section 6.1.1 says FORMERR.
        byte[] twoOpts = RawQuery.query(0x5151, "www.example.com.", RawQuery.TYPE_A).opt(0, 1232).opt(0, 1232)
                .bytes();
        PromScrape before = scrape();
        byte[] reply = Wire.udp(server.dns(), twoOpts, Wire.TIMEOUT_MS);
        assertTrue(reply != null, "a FORMERR reply to a query with two OPT records");
        assertEquals(1, Wire.rcode(reply), () -> "FORMERR in\n" + Wire.hex(reply));
        PromScrape after = scrape();
        assertEquals(before.sum(QUERIES, "transport", "udp", "rcode", "FORMERR") + 1,
                after.sum(QUERIES, "transport", "udp", "rcode", "FORMERR"), () -> "udp FORMERR:\n" + after);
        assertEquals(before.value("geodns_malformed_packets_total") + 1, after.value("geodns_malformed_packets_total"),
                () -> "geodns_malformed_packets_total:\n" + after);
    }

    @Test
    void aPacketWithQrSetIsCountedAsDropped() {
        byte[] response = RawQuery.query(0x5252, "www.example.com.", RawQuery.TYPE_A).qr().bytes();
        PromScrape before = scrape();
        List<byte[]> replies = Wire.udpRepliesOtherThanProbe(server.dns(), List.of(response), Wire.probe(0x5253), 200);
        assertTrue(replies.isEmpty(), "no reply to a response");
        PromScrape after = scrape();
        assertEquals(before.value("geodns_dropped_packets_total") + 1, after.value("geodns_dropped_packets_total"),
                () -> "geodns_dropped_packets_total:\n" + after);
    }

    // ------------------------------------------------------------------------------------------ geo

    @Test
    void aGeoAnswerIsCountedByNameAndChosenLocation() {
        String[] singapore = {"name", "app.example.com", "location", "singapore"};
        String[] london = {"name", "app.example.com", "location", "london"};
        PromScrape before = scrape();
        GeoQuery.Result r = GeoQuery.of("app.example.com", "A").subnet(GeoWorld.SYDNEY.subnet())
                .ask(Via.DNSJAVA_UDP, server);
        assertEquals(GeoWorld.SINGAPORE.ipv4(), GeoWorld.addresses(r.reply(), "A"), () -> "Sydney's answer" + r);
        PromScrape after = scrape();
        assertEquals(before.sum("geodns_geo_answers_total", singapore) + 1,
                after.value("geodns_geo_answers_total", singapore), () -> "geo answers from singapore:\n" + after);
        assertEquals(before.sum("geodns_geo_answers_total", london), after.sum("geodns_geo_answers_total", london),
                "geo answers from london must not move");
    }

    @Test
    void aQueryWithClientSubnetIsCountedAsEcsPresent() {
        PromScrape before = scrape();
        GeoQuery.of("app.example.com", "A").subnet(GeoWorld.MADRID.subnet()).ask(Via.DIG_UDP, server);
        PromScrape after = scrape();
        assertEquals(before.value("geodns_client_subnet_total", "ecs", "present") + 1,
                after.value("geodns_client_subnet_total", "ecs", "present"), () -> "ecs present:\n" + after);
        assertEquals(before.value("geodns_client_subnet_total", "ecs", "absent"),
                after.value("geodns_client_subnet_total", "ecs", "absent"), "ecs absent must not move");
    }

    @Test
    void aQueryWithoutClientSubnetIsCountedAsEcsAbsent() {
        PromScrape before = scrape();
        ask(Via.DNSJAVA_UDP, "www.example.com", "A");
        PromScrape after = scrape();
        assertEquals(before.value("geodns_client_subnet_total", "ecs", "absent") + 1,
                after.value("geodns_client_subnet_total", "ecs", "absent"), () -> "ecs absent:\n" + after);
        assertEquals(before.value("geodns_client_subnet_total", "ecs", "present"),
                after.value("geodns_client_subnet_total", "ecs", "present"), "ecs present must not move");
    }

    @Test
    void aSubnetsFirstGeoLookupIsACacheMissAndItsNextOneAHit() {
        // Berlin's network, 127.7.0.0/16, is asked nowhere else in this class.
        assertEquals("miss +1 hit +0", geoipCacheFor("127.7.77.0/24"), "the first");
        assertEquals("miss +0 hit +1", geoipCacheFor("127.7.77.0/24"), "the second");
    }

    /** How the GeoIP cache's counters moved while app.example.com A was asked for each subnet in turn. */
    private static String geoipCacheFor(String... subnets) {
        PromScrape before = scrape();
        for (String subnet : subnets) {
            GeoQuery.of("app.example.com", "A").subnet(subnet).ask(Via.DNSJAVA_UDP, server);
        }
        PromScrape after = scrape();
        String moved = "";
        for (String result : List.of("miss", "hit")) {
            moved += " " + result + " +" + Math.round(after.value("geodns_geoip_cache_total", "result", result)
                    - before.value("geodns_geoip_cache_total", "result", result));
        }
        return moved.strip();
    }

    @Test
    void subnetsOfOneSlash16NetworkShareOneGeoIpLookup() {
        // Vancouver's network, 127.8.0.0/16, is asked nowhere else in this class.
        assertEquals("miss +1 hit +2", geoipCacheFor("127.8.1.0/24", "127.8.2.0/24", "127.8.200.0/24"));
    }

    @Test
    void subnetsOfASlash16SplitBetweenNetworksAreLookedUpEach() {
        // 127.20.0.0/16 holds one /28 (Dublin) and nothing else: no network spans the /16.
        assertEquals("miss +2 hit +1", geoipCacheFor("127.20.0.0/24", "127.20.1.0/24", "127.20.0.0/24"));
    }

    // ------------------------------------------------------------------------------------------ reloads

    /** The zone with its serial (10 digits) replaced; same length, so a same-size rewrite is possible. */
    private static String zoneWithSerial(long serial) {
        return GeoWorld.exampleZoneWithoutApp().replace(Long.toString(SERIAL), Long.toString(serial));
    }

    @Test
    void theZoneSerialGaugeFollowsTheServedZone() {
        long current = (long) scrape().value("geodns_zone_serial", "zone", "example.com");
        Reply soa = ask(Via.DNSJAVA_UDP, "example.com", "SOA");
        assertEquals(current, Long.parseLong(soa.answer().get(0).data().split(" ")[2]),
                () -> "the gauge shows the served serial" + soa);
        long next = current + 1;
        ConfigFiles.rewriteUnnoticeably(zoneFile, zoneWithSerial(next));
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "geodns_zone_serial{zone=example.com} = " + next,
                () -> scrape().value("geodns_zone_serial", "zone", "example.com"), v -> v == next);
    }

    @Test
    void aZoneTakenOutOfTheFolderLeavesTheZoneSerialGauge() throws IOException {
        Path extra = zoneFile.resolveSibling("example.net.zone");
        ConfigFiles.replace(extra, "$TTL 300\n@ IN SOA ns1 hostmaster 7 7200 900 1209600 300\n  IN NS ns1\n"
                + "ns1 IN A 192.0.2.1\n");
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "geodns_zone_serial{zone=example.net} = 7",
                () -> scrape().find("geodns_zone_serial", "zone", "example.net"),
                v -> v.isPresent() && v.getAsDouble() == 7);
        Files.delete(extra);
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "example.net no longer served",
                () -> ask(Via.DNSJAVA_UDP, "example.net", "SOA").rcode(), "REFUSED"::equals);
        PromScrape after = scrape();
        assertTrue(after.find("geodns_zone_serial", "zone", "example.net").isEmpty(),
                () -> "a serial for example.net, which is no longer served:\n" + after.all("geodns_zone_serial"));
    }

    @Test
    void aSuccessfulReloadIsCountedOk() {
        PromScrape before = scrape();
        double ok = before.value("geodns_reloads_total", "result", "ok");
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "geodns_reloads_total{result=ok} > " + ok,
                () -> scrape().value("geodns_reloads_total", "result", "ok"), v -> v > ok);
        assertEquals(before.value("geodns_reloads_total", "result", "failed"),
                scrape().value("geodns_reloads_total", "result", "failed"), "no failed reload");
    }

    @Test
    void aFailedReloadIsCountedFailed() throws IOException {
        String good = Files.readString(zoneFile, StandardCharsets.UTF_8);
        double failed = scrape().value("geodns_reloads_total", "result", "failed");
        try {
            ConfigFiles.replace(zoneFile, good + "broken IN A 192.0.2.300\n");
            Signals.hangUp(server);
            Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "geodns_reloads_total{result=failed} > " + failed,
                    () -> scrape().value("geodns_reloads_total", "result", "failed"), v -> v > failed);
        } finally {
            ConfigFiles.replace(zoneFile, good);
            Signals.hangUp(server);
            Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "the good zone back",
                    MetricsTest::lastLoadOk, ok -> ok);
        }
    }

    /** /status.json's last_load.ok. */
    private static boolean lastLoadOk() {
        Object load = MiniJson.object(AdminHttp.ok(server, "/status.json")).get("last_load");
        return Boolean.TRUE.equals(MiniJson.asObject(load).get("ok"));
    }
}
