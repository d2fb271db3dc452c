package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spill instead of cascade (issue 21): london, the first location of Madrid's clients (then frankfurt 1,445 km,
 * seattle, singapore), has no node up (its one node's probe is refused, and starts down). With {@code spill: 2},
 * Madrid's client groups (/24s) are spread over frankfurt (weight 2 + 1 = 3) and seattle (weight 1) by weight,
 * each /24 always to the same one; without spill they all go to frankfurt.
 */
@ExtendWith(ServerLogOnFailure.class)
class SpillTest {
    /** How far a count may stray from its expectation, in standard deviations of the binomial count. */
    private static final double SIGMAS = 5;
    private static final Set<String> FRANKFURT = Set.of("192.0.2.21", "192.0.2.22");
    private static final Set<String> SEATTLE = Set.of("198.51.100.31");

    @TempDir
    static Path dir;
    static GeodnsServer server;

    @BeforeAll
    static void start() throws IOException {
        int refused = GeodnsServer.freePort(InetAddress.getLoopbackAddress(), false);
        String yaml = """
                health: { interval: 300ms, fall: 1, rise: 1 }
                locations:
                  london:
                    coordinates: [51.507, -0.128]
                    nodes:
                      lon-1: { ipv4: 192.0.2.11, health: { url: "tcp://127.0.0.1:%d", initial: down } }
                  frankfurt:
                    coordinates: [50.110, 8.682]
                    nodes:
                      fra-1: { ipv4: 192.0.2.21, weight: 2 }
                      fra-2: { ipv4: 192.0.2.22 }
                  seattle:
                    coordinates: [47.606, -122.332]
                    nodes:
                      sea-1: { ipv4: 198.51.100.31 }
                      sea-0: { ipv4: 198.51.100.30, weight: 0 }
                  singapore:
                    coordinates: [1.352, 103.820]
                    nodes:
                      sin-1: { ipv4: 203.0.113.41 }
                names:
                  app.example.com:
                    spill: 2
                  cascade.example.com: {}
                """.formatted(refused);
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), yaml);
        Path mmdb = GeoWorld.database().write(dir.resolve("cities.mmdb"));
        server = GeodnsServer.start(zones, "--geoip", mmdb.toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A /24 of Madrid's 127.2.0.0/16, as a resolver sends it. */
    private static String madrid(int third) {
        return "127." + GeoWorld.MADRID.octet() + "." + third + ".0/24";
    }

    private static GeoQuery.Result ask(String name, String subnet) {
        return GeoQuery.of(name, "A").subnet(subnet).ask(Via.DNSJAVA_UDP, server);
    }

    private static Set<String> answer(String name, String subnet) {
        return GeoWorld.addresses(ask(name, subnet).reply(), "A");
    }

    @Test
    void theClientsOfTheDownLocationAreSpreadOverTheNextTwoInProportionToTheirWeights() {
        Map<Set<String>, Integer> counts = new HashMap<>();
        int groups = 256;
        for (int third = 0; third < groups; third++) {
            counts.merge(answer("app.example.com", madrid(third)), 1, Integer::sum);
        }
        assertEquals(Set.of(FRANKFURT, SEATTLE), counts.keySet(), () -> "only frankfurt's and seattle's: " + counts);
        // frankfurt 3 of 3 + 1: each /24 a draw with p = 3/4.
        double expected = groups * 0.75;
        double spread = Math.sqrt(groups * 0.75 * 0.25);
        int frankfurt = counts.get(FRANKFURT);
        assertTrue(Math.abs(frankfurt - expected) <= SIGMAS * spread, () -> frankfurt + " of " + groups
                + " /24s at frankfurt, expected " + expected + " ± " + SIGMAS + " x " + String.format("%.1f", spread));
    }

    @Test
    void oneClientGroupAlwaysGetsTheSameLocation() {
        for (int third : List.of(7, 77, 177)) {
            Set<Set<String>> seen = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                seen.add(answer("app.example.com", madrid(third)));
            }
            // The same /24 without ECS, by its source address, is the same group.
            seen.add(GeoWorld.addresses(GeoQuery.of("app.example.com", "A")
                    .from(GeoWorld.address("127." + GeoWorld.MADRID.octet() + "." + third + ".9"))
                    .ask(Via.DNSJAVA_UDP, server).reply(), "A"));
            assertEquals(1, seen.size(), () -> madrid(third) + " got " + seen);
        }
    }

    @Test
    void aSpilledAnswersScopeIsTheClientGroupNotTheWholeGeoipNetwork() {
        GeoQuery.Result spilled = ask("app.example.com", madrid(9));
        assertEquals(24, spilled.ecs().scopePrefix(), () -> "spilled per /24: " + spilled.ecs());
        GeoQuery.Result cascaded = ask("cascade.example.com", madrid(9));
        assertEquals(16, cascaded.ecs().scopePrefix(), () -> "Madrid's /16 network, as before: " + cascaded.ecs());
    }

    @Test
    void withoutSpillEveryClientOfTheDownLocationGoesToTheNextOne() {
        for (int third = 0; third < 32; third++) {
            assertEquals(FRANKFURT, answer("cascade.example.com", madrid(third)), madrid(third));
        }
    }

    @Test
    void clientsWhoseFirstLocationIsUpAreAnsweredAsWithoutSpill() {
        assertEquals(FRANKFURT, answer("app.example.com", GeoWorld.BERLIN.subnet()));
        GeoQuery.Result vancouver = ask("app.example.com", GeoWorld.VANCOUVER.subnet());
        assertEquals(SEATTLE, GeoWorld.addresses(vancouver.reply(), "A"), "sea-0 has weight 0");
        // The GeoIP network's /16 or wider (the widest scope of equal answers), never the spilled group's /24.
        assertTrue(vancouver.ecs().scopePrefix() <= 16, () -> "the network's scope: " + vancouver.ecs());
    }

    @Test
    void explainNamesTheLocationsSpilledOverWithTheirWeightsAndTheGroupsChoice() {
        String ip = "127." + GeoWorld.MADRID.octet() + ".77.1";
        Map<String, Object> explained = MiniJson.object(AdminHttp.ok(server, "/explain?ip=" + ip
                + "&name=app.example.com"));
        Map<String, Object> decision = MiniJson.asObject(explained.get("decision"));
        assertEquals(List.of(Map.of("location", "frankfurt", "weight", 3L), Map.of("location", "seattle", "weight", 1L)),
                decision.get("spilled_over"), () -> "" + decision);
        String chosen = (String) decision.get("chosen");
        assertEquals(answer("app.example.com", madrid(77)), chosen.equals("frankfurt") ? FRANKFURT : SEATTLE,
                () -> "the chosen location is the one answered: " + decision);
        assertEquals(24L, explained.get("ecs_scope"));
        Map<String, Object> london = MiniJson.asObjects(decision.get("ranked_locations")).get(0);
        assertEquals(List.of("london", false, true), List.of(london.get("location"), london.get("nodes_up"),
                london.get("skipped")), () -> "" + london);
    }

    @Test
    void statusShowsTheSpillAndTheCountriesSpreadNow() {
        Map<String, Object> status = MiniJson.object(AdminHttp.ok(server, "/status.json"));
        Map<String, Object> app = MiniJson.asObjects(status.get("catchments")).stream()
                .filter(c -> "app.example.com".equals(c.get("name"))).findFirst().orElseThrow();
        assertEquals(2L, app.get("spill"));
        Map<String, Object> spilled = MiniJson.asObject(app.get("spilled"));
        assertNotNull(spilled.get("GB"), () -> "GB's clients (london first) are spilled: " + spilled);
        assertEquals(List.of("frankfurt", "seattle"), spilled.get("GB"));
        assertEquals(null, spilled.get("DE"), "Germany's first location, frankfurt, is up");
        assertTrue(AdminHttp.ok(server, "/status").contains("GB → frankfurt + seattle"), "the page says so");
    }
}
