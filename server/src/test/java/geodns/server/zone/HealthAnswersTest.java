package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.geoip.GeoDatabase;
import geodns.server.config.ConfigError;
import geodns.server.health.HealthView;
import geodns.server.health.NodeHealth;
import geodns.server.testing.Dns;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Which nodes answers carry for a given health view: {@link Zones#compile} with a {@link HealthView} built by hand,
 * the same config and City database as {@link GeoAnswersTest}.
 */
class HealthAnswersTest {
    static final String MADRID = "10.2.3.0/24";     // london, then frankfurt, then seattle
    static final String MUNICH = "10.4.5.0/24";     // frankfurt, then london
    static final String SYDNEY = "10.1.2.0/24";     // singapore, then seattle

    static final List<String> ALL_NODES = List.of("lon-1", "lon-2", "lon-3", "fra-1", "fra-2", "sea-1", "sea-2",
            "sin-1", "sin-2");

    @TempDir
    static Path dir;
    static Zones.Sources sources;
    static GeoDatabase cities;

    @BeforeAll
    static void load() throws IOException {
        Dns.write(dir, "zones/example.com.zone", GeoAnswersTest.ZONE);
        Dns.write(dir, "zones/example.net.zone", GeoAnswersTest.OTHER_ZONE);
        Dns.write(dir, "zones/geo.yaml", GeoAnswersTest.GEO);
        Zones.Read read = Zones.read(dir.resolve("zones"));
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        sources = read.sources();
        cities = GeoDatabase.open(GeoAnswersTest.cities().write(dir.resolve("city.mmdb")));
    }

    @AfterAll
    static void close() throws IOException {
        cities.close();
    }

    static NodeHealth node(boolean up) {
        Instant now = Instant.now();
        return new NodeHealth(up, up ? "HTTP 200" : "connection refused", 1.0, now, now, 3, up);
    }

    /** A view where the given nodes are down and every other node of the config is up. */
    static HealthView down(String... nodes) {
        Map<String, NodeHealth> view = new HashMap<>();
        ALL_NODES.forEach(n -> view.put(n, node(true)));
        for (String n : nodes) {
            view.put(n, node(false));
        }
        return new HealthView(view);
    }

    static Dns serving(HealthView health) {
        return new Dns(GeoAnswersTest.compile(sources, cities, health));
    }

    static Message ask(Dns dns, String name, int type, String subnet) {
        return dns.ask(Dns.queryWithClientSubnet(name, type, subnet), GeoAnswersTest.RESOLVER);
    }

    static Set<String> a(Message reply) {
        return GeoAnswersTest.addresses(reply, Type.A);
    }

    @Test
    void everyNodeIsAnsweredWhenAllAreUp() {
        assertEquals(GeoAnswersTest.LONDON, a(ask(serving(down()), "app.example.com", Type.A, MADRID)));
    }

    @Test
    void downNodeIsLeftOut() {
        Dns dns = serving(down("lon-1"));
        assertEquals(Set.of("192.0.2.12", "192.0.2.13"), a(ask(dns, "app.example.com", Type.A, MADRID)));
    }

    @Test
    void downNodeIsLeftOutOfAaaaToo() {
        Dns dns = serving(down("lon-1"));
        assertEquals(GeoAnswersTest.v6("2001:db8:10::12"),
                GeoAnswersTest.addresses(ask(dns, "app.example.com", Type.AAAA, MADRID), Type.AAAA));
    }

    @Test
    void nodesWithoutAProbeCountAsUp() {
        Dns dns = serving(new HealthView(Map.of("lon-1", node(false))));
        assertEquals(Set.of("192.0.2.12", "192.0.2.13"), a(ask(dns, "app.example.com", Type.A, MADRID)));
        assertEquals(GeoAnswersTest.FRANKFURT, a(ask(dns, "app.example.com", Type.A, MUNICH)));
    }

    @Test
    void locationWithAllNodesDownIsSkippedForTheNextNearest() {
        Dns dns = serving(down("lon-1", "lon-2", "lon-3"));
        assertEquals(GeoAnswersTest.FRANKFURT, a(ask(dns, "app.example.com", Type.A, MADRID)));
        assertEquals(GeoAnswersTest.SINGAPORE, a(ask(dns, "app.example.com", Type.A, SYDNEY)), "others unchanged");
    }

    @Test
    void twoLocationsDownFallsToTheThirdNearest() {
        Dns dns = serving(down("lon-1", "lon-2", "lon-3", "fra-1", "fra-2"));
        assertEquals(GeoAnswersTest.SEATTLE, a(ask(dns, "app.example.com", Type.A, MADRID)));
    }

    @Test
    void aaaaSkipsALocationWhoseIpv6NodesAreDownThoughItServesIpv4() {
        // lon-3 has no IPv6: london still answers A, but has no AAAA left; frankfurt has none; seattle is next.
        Dns dns = serving(down("lon-1", "lon-2"));
        assertEquals(Set.of("192.0.2.13"), a(ask(dns, "app.example.com", Type.A, MADRID)));
        assertEquals(GeoAnswersTest.v6("2001:db8:30::31", "2001:db8:30::32"),
                GeoAnswersTest.addresses(ask(dns, "app.example.com", Type.AAAA, MADRID), Type.AAAA));
    }

    @Test
    void overrideLocationWithAllNodesDownIsSkipped() {
        Dns dns = serving(down("sea-1", "sea-2"));
        // tuned sends OC to seattle first; with seattle down, Sydney gets its nearest other location.
        assertEquals(GeoAnswersTest.SINGAPORE, a(ask(dns, "tuned.example.com", Type.A, SYDNEY)));
    }

    @Test
    void unknownOrderSkipsALocationWithAllNodesDown() {
        Dns dns = serving(down("fra-1", "fra-2"));
        assertEquals(GeoAnswersTest.SEATTLE, a(ask(dns, "fallback.example.com", Type.A, "10.99.0.0/24")));
    }

    @Test
    void cappedAnswerCarriesOnlyUpNodes() {
        Dns dns = serving(down("lon-2"));
        for (int i = 0; i < 30; i++) {
            assertEquals(Set.of("192.0.2.11", "192.0.2.13"), a(ask(dns, "capped.example.com", Type.A, MADRID)));
        }
    }

    @Test
    void allNodesOfANameDownFailsOpenWithEveryNodeAnswered() {
        Dns dns = serving(down(ALL_NODES.toArray(String[]::new)));
        Message reply = ask(dns, "app.example.com", Type.A, MADRID);
        assertEquals(Rcode.NOERROR, reply.getRcode());
        assertEquals(GeoAnswersTest.LONDON, a(reply), "the nearest location, all its nodes");
        assertEquals(GeoAnswersTest.SINGAPORE, a(ask(dns, "app.example.com", Type.A, SYDNEY)));
    }

    @Test
    void failOpenIsPerName() {
        // v4.example.com spans frankfurt only: it fails open, while app simply skips frankfurt.
        Dns dns = serving(down("fra-1", "fra-2"));
        assertEquals(GeoAnswersTest.FRANKFURT, a(ask(dns, "v4.example.com", Type.A, MUNICH)));
        assertEquals(GeoAnswersTest.LONDON, a(ask(dns, "app.example.com", Type.A, MUNICH)));
    }

    @Test
    void geoTargetSaysWhenItFailsOpen() {
        List<ConfigError> errors = new ArrayList<>();
        GeoConfig config = GeoConfigReader.read(dir.resolve("zones"), errors);
        assertEquals(List.of(), errors);
        GeoConfig.GeoName v4 = config.names().stream()
                .filter(n -> n.name().toString().equals("v4.example.com.")).findFirst().orElseThrow();

        GeoNameRecords open = GeoNameRecords.of(1, v4, config, down("fra-1", "fra-2"));
        assertTrue(open.failOpen());
        assertEquals(2, open.a().get(0).size(), "every node answered");

        GeoNameRecords halfDown = GeoNameRecords.of(1, v4, config, down("fra-1"));
        assertFalse(halfDown.failOpen());
        assertEquals(1, halfDown.a().get(0).size());

        assertFalse(GeoNameRecords.of(1, v4, config, HealthView.allUp()).failOpen());
    }

    @Test
    void cnameToAGeoNameFollowsHealth() {
        Dns dns = serving(down("lon-1", "lon-2", "lon-3"));
        Message reply = ask(dns, "alias.example.com", Type.A, MADRID);
        assertEquals(Type.CNAME, reply.getSection(Section.ANSWER).get(0).getType());
        assertEquals(GeoAnswersTest.FRANKFURT, a(reply));
    }

    @Test
    void aNewHealthViewNeedsANewSnapshot() {
        Dns before = serving(down());
        Dns after = serving(down("lon-1", "lon-2", "lon-3"));
        assertEquals(GeoAnswersTest.LONDON, a(ask(before, "app.example.com", Type.A, MADRID)));
        assertEquals(GeoAnswersTest.FRANKFURT, a(ask(after, "app.example.com", Type.A, MADRID)));
        assertEquals(GeoAnswersTest.LONDON, a(ask(before, "app.example.com", Type.A, MADRID)), "old one unchanged");
    }

    // ---- the why query (_why.NAME TXT) tells the health it applied ----

    private static List<String> why(Dns dns, String subnet) {
        Message reply = ask(dns, "_why.app.example.com", Type.TXT, subnet);
        List<org.xbill.DNS.Record> answer = reply.getSection(Section.ANSWER);
        assertEquals(1, answer.size(), reply::toString);
        return ((TXTRecord) answer.get(0)).getStrings();
    }

    private static String keyed(List<String> strings, String key) {
        return strings.stream().filter(s -> s.startsWith(key + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + "= in " + strings));
    }

    @Test
    void whyNamesTheLocationWithNoNodeUpAndTheNextNearestThatAnswers() {
        List<String> strings = why(serving(down("lon-1", "lon-2", "lon-3")), MADRID);
        assertEquals("down=london", keyed(strings, "down"), strings::toString);
        assertTrue(keyed(strings, "ranked").matches("ranked=london:\\d+km:down frankfurt:\\d+km .*"),
                strings::toString);
        assertEquals("a=frankfurt 192.0.2.21 192.0.2.22", keyed(strings, "a"));
    }

    @Test
    void whyWithEveryNodeUpSaysNoneIsDown() {
        List<String> strings = why(serving(down()), MADRID);
        assertEquals("down=none", keyed(strings, "down"));
        assertTrue(keyed(strings, "a").startsWith("a=london "), strings::toString);
    }

    @Test
    void whySaysWhenANameFailsOpen() {
        List<String> strings = why(serving(down(ALL_NODES.toArray(String[]::new))), MADRID);
        assertTrue(keyed(strings, "health").startsWith("health=fail-open"), strings::toString);
        assertTrue(keyed(strings, "a").startsWith("a=london "), "the nearest location, all its nodes: " + strings);
    }

    @Test
    void everyWhyStringFitsInOneTxtString() {
        for (String subnet : List.of(MADRID, MUNICH, SYDNEY, "10.99.0.0/24")) {
            why(serving(down("fra-1")), subnet).forEach(s -> assertTrue(s.length() <= 255, s));
        }
    }
}
