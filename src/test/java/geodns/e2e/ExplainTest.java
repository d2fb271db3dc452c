package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.Cli;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /explain?ip=&name=&type=} and {@code geodns explain}: the decision for a client laid out (GeoIP record
 * and network, ranked locations with distances, the rule, the chosen location, the answer and its ECS scope), and
 * the same decision dig gets when it asks for that client with {@code +subnet}. Runs against the shared geo server
 * ({@link GeoServer}: the {@link GeoWorld} database and config).
 */
@ExtendWith(GeoServer.class)
class ExplainTest {
    private static final String APP = "app.example.com";

    /** A client address inside the city's network (its /24 is the city's {@link GeoWorld.City#subnet()}). */
    private static String client(GeoWorld.City city) {
        return "127." + city.octet() + ".1.7";
    }

    private static Map<String, Object> explain(GeodnsServer server, String ip, String name, String type) {
        AdminHttp.Response r = AdminHttp.get(server, "/explain?ip=" + enc(ip) + "&name=" + enc(name) + "&type="
                + type);
        assertEquals(200, r.status(), () -> "status of " + r);
        assertTrue(r.contentType().startsWith("application/json"), () -> "Content-Type of " + r);
        return MiniJson.object(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> decision(Map<String, Object> explained) {
        return MiniJson.asObject(explained.get("decision"));
    }

    /** The addresses of the explained answer ("owner TTL class type data" lines) of {@code type}. */
    private static Set<String> answerAddresses(Map<String, Object> explained, String type) {
        Set<String> out = new LinkedHashSet<>();
        for (Object line : MiniJson.asList(explained.get("answer"))) {
            String[] f = ((String) line).trim().split("\\s+");
            if (f.length == 5 && f[3].equals(type)) {
                out.add(canonical(f[4]));
            }
        }
        return out;
    }

    /** An address literal in one spelling (2001:db8::1 and 2001:db8:0:0:0:0:0:1 compare equal). */
    private static String canonical(String literal) {
        return GeoWorld.address(literal).getHostAddress();
    }

    private static Set<String> canonical(Set<String> literals) {
        Set<String> out = new LinkedHashSet<>();
        literals.forEach(a -> out.add(canonical(a)));
        return out;
    }

    private static List<String> rankedNames(Map<String, Object> explained) {
        return MiniJson.asObjects(decision(explained).get("ranked_locations")).stream()
                .map(r -> (String) r.get("location")).toList();
    }

    // ------------------------------------------------------------------------------------------ the decision

    @Test
    void explainShowsTheGeoipRecordAndItsNetworkPrefix(GeodnsServer server) {
        Map<String, Object> d = decision(explain(server, client(GeoWorld.SYDNEY), APP, "A"));
        Map<String, Object> record = MiniJson.asObject(d.get("geoip_record"));
        assertEquals("AU", record.get("country"), () -> "record: " + record);
        assertEquals("OC", record.get("continent"), () -> "record: " + record);
        assertEquals(-33.87, ((Number) record.get("latitude")).doubleValue(), 0.01, () -> "record: " + record);
        assertEquals(151.21, ((Number) record.get("longitude")).doubleValue(), 0.01, () -> "record: " + record);
        assertEquals(16L, d.get("geoip_network_prefix"), () -> "Sydney is a /16 in the test DB: " + d);
    }

    @Test
    void explainRanksEveryLocationByDistance(GeodnsServer server) {
        Map<String, Object> explained = explain(server, client(GeoWorld.SYDNEY), APP, "A");
        List<Map<String, Object>> ranked = MiniJson.asObjects(decision(explained).get("ranked_locations"));
        assertEquals(List.of("singapore", "seattle", "frankfurt", "london"), rankedNames(explained),
                () -> "nearest first from Sydney: " + ranked);
        double previous = 0;
        for (Map<String, Object> r : ranked) {
            double km = ((Number) r.get("distance_km")).doubleValue();
            assertTrue(km >= previous, () -> "distances ascending: " + ranked);
            previous = km;
        }
        // Great-circle Sydney -> Singapore: 6306 km (see GeoWorld).
        assertEquals(6306, ((Number) ranked.get(0).get("distance_km")).doubleValue(), 60, () -> "" + ranked);
    }

    @Test
    void explainNamesTheChosenLocationAndItsAnswer(GeodnsServer server) {
        Map<String, Object> explained = explain(server, client(GeoWorld.BERLIN), APP, "A");
        assertEquals("frankfurt", decision(explained).get("chosen"), () -> "Berlin: " + explained);
        assertEquals(canonical(GeoWorld.FRANKFURT.ipv4()), answerAddresses(explained, "A"), () -> "Berlin: " + explained);
        assertEquals("NOERROR", explained.get("rcode"));
    }

    @Test
    void explainShowsTheRuleOfAnOperatorOverride(GeodnsServer server) {
        // api.example.com sends New York state to london (subdivisions: { US-NY: [london] }), not to the nearest.
        Map<String, Object> explained = explain(server, client(GeoWorld.NEW_YORK), "api.example.com", "A");
        Map<String, Object> d = decision(explained);
        assertEquals("london", d.get("chosen"), () -> "New York for api: " + explained);
        assertTrue(String.valueOf(d.get("rule")).contains("US-NY"), () -> "the rule names US-NY: " + d.get("rule"));
    }

    @Test
    void explainOfAClientGeoipCannotPlaceShowsTheConfiguredOrder(GeodnsServer server) {
        Map<String, Object> explained = explain(server, "10.1.2.3", APP, "A");
        assertNull(decision(explained).get("geoip_record"), () -> "no record: " + explained);
        assertEquals(List.of("singapore", "frankfurt", "london", "seattle"), rankedNames(explained),
                () -> "app's unknown order: " + explained);
        assertEquals("singapore", decision(explained).get("chosen"));
    }

    static Stream<GeoWorld.City> cities() {
        return Stream.of(GeoWorld.SYDNEY, GeoWorld.MADRID, GeoWorld.NEW_YORK, GeoWorld.CAPE_TOWN, GeoWorld.BERLIN,
                GeoWorld.VANCOUVER);
    }

    @ParameterizedTest
    @MethodSource("cities")
    void explainAgreesWithWhatDigGetsForTheSameClientSubnet(GeoWorld.City city, GeodnsServer server) {
        Map<String, Object> explained = explain(server, client(city), APP, "A");
        GeoQuery.Result dig = GeoQuery.of(APP, "A").subnet(city.subnet()).ask(Via.DIG_UDP, server);
        assertEquals(city.nearest().name(), decision(explained).get("chosen"), () -> city + ": " + explained);
        assertEquals(canonical(GeoWorld.addresses(dig.reply(), "A")), answerAddresses(explained, "A"),
                () -> city + ": explain " + explained + " vs dig" + dig);
        assertTrue(dig.ecs() != null, () -> "dig got an ECS option back" + dig);
        assertEquals((long) dig.ecs().scopePrefix(), explained.get("ecs_scope"),
                () -> city + ": ECS scope of explain " + explained + " vs dig" + dig);
    }

    @Test
    void explainAgreesWithDigForAnIpv6Client(GeodnsServer server) {
        // Tokyo's IPv6 network 2001:db8:4::/48; explain groups a client by /56, as resolvers send ECS.
        Map<String, Object> explained = explain(server, "2001:db8:4:0:1::7", APP, "AAAA");
        GeoQuery.Result dig = GeoQuery.of(APP, "AAAA").subnet("2001:db8:4::/56").ask(Via.DIG_UDP, server);
        assertEquals(canonical(GeoWorld.addresses(dig.reply(), "AAAA")), answerAddresses(explained, "AAAA"),
                () -> "explain " + explained + " vs dig" + dig);
        assertEquals((long) dig.ecs().scopePrefix(), explained.get("ecs_scope"), () -> "" + explained);
        assertEquals(48L, explained.get("ecs_scope"), () -> "the DB network is a /48: " + explained);
    }

    // ------------------------------------------------------------------------------------------ bad requests

    @ParameterizedTest
    @ValueSource(strings = {"not-an-ip", "1.2.3", "300.1.2.3", "www.example.com", ""})
    void explainRejectsAnIpThatIsNotAnAddress(String ip, GeodnsServer server) {
        AdminHttp.Response r = AdminHttp.get(server, "/explain?ip=" + enc(ip) + "&name=" + APP);
        assertEquals(400, r.status(), () -> "ip=" + ip + ": " + r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a..b.example.com", "x23456789012345678901234567890123456789012345678901234567890123456"
            + ".example.com"})
    void explainRejectsANameThatIsNotADomainName(String name, GeodnsServer server) {
        AdminHttp.Response r = AdminHttp.get(server, "/explain?ip=127.1.1.7&name=" + enc(name));
        assertEquals(400, r.status(), () -> "name=" + name + ": " + r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/explain", "/explain?ip=127.1.1.7", "/explain?name=app.example.com"})
    void explainWithoutIpOrNameIsABadRequest(String path, GeodnsServer server) {
        AdminHttp.Response r = AdminHttp.get(server, path);
        assertEquals(400, r.status(), () -> path + ": " + r);
    }

    @Test
    void explainRejectsAnUnknownType(GeodnsServer server) {
        AdminHttp.Response r = AdminHttp.get(server, "/explain?ip=127.1.1.7&name=" + APP + "&type=NOSUCHTYPE");
        assertEquals(400, r.status(), () -> "" + r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AXFR", "IXFR"})
    void explainRejectsAZoneTransferType(String type, GeodnsServer server) {
        AdminHttp.Response r = AdminHttp.get(server, "/explain?ip=127.1.1.7&name=example.com&type=" + type);
        assertEquals(400, r.status(), () -> type + ": " + r);
    }

    // ------------------------------------------------------------------------------------------ command line

    @Test
    void theExplainCommandPrintsTheSameDecisionAsThePage(GeodnsServer server, @TempDir Path dir) throws IOException {
        Path zones = GeoWorld.writeZones(dir.resolve("zones"),
                GeoWorld.exampleZoneWithoutApp(GeoServer.CNAME_TO_GEO_NAME), GeoServer.GEO_YAML);
        Path mmdb = GeoWorld.database().write(dir.resolve("cities.mmdb"));
        String ip = client(GeoWorld.MADRID);
        Map<String, Object> page = explain(server, ip, APP, "A");
        Cli.Result cli = Cli.run(30, "explain", "--zones", zones.toString(), "--geoip", mmdb.toString(), ip, APP);
        assertEquals(0, cli.exitCode(), () -> "exit code of" + cli);
        String out = cli.stdout();
        assertTrue(out.contains("chosen: " + decision(page).get("chosen")), () -> "chosen as on the page " + page
                + "\n" + cli);
        assertTrue(out.contains("ecs_scope: " + page.get("ecs_scope")), () -> "ECS scope as on the page " + page
                + "\n" + cli);
        assertTrue(out.contains("rule: " + decision(page).get("rule")), () -> "rule as on the page " + page
                + "\n" + cli);
        for (String address : answerAddresses(page, "A")) {
            assertTrue(out.contains(address), () -> address + " in the answer, as on the page " + page + "\n" + cli);
        }
        for (String location : rankedNames(page)) {
            assertTrue(out.contains(location), () -> location + " ranked, as on the page\n" + cli);
        }
        assertEquals("london", decision(page).get("chosen"), "Madrid's nearest");
    }

    @Test
    void theExplainCommandRejectsABadAddressWithExitTwo(@TempDir Path dir) {
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), GeoServer.GEO_YAML);
        Cli.Result cli = Cli.run(30, "explain", "--zones", zones.toString(), "not-an-ip", APP);
        assertEquals(2, cli.exitCode(), () -> "" + cli);
        assertTrue(cli.stderr().contains("not-an-ip"), () -> "the reason names the bad address\n" + cli);
    }
}
