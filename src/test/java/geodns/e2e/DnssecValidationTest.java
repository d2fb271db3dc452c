package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Cli;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Unbound;
import geodns.e2e.support.Validating;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real validator: Unbound on loopback, whose only trust anchor is the DS that {@code geodns dnssec ds} printed
 * and whose only authority is geodns serving the example zones signed with that key (a stub zone). Every kind
 * of answer comes back with AD set, so Unbound proved it from the anchor down: static, geo, a CNAME to a geo
 * name, wildcard, NXDOMAIN, NODATA; and a geo answer for a client elsewhere (its ECS passed on by Unbound) is
 * signed too. The negative control: a second Unbound anchored on another key gets SERVFAIL.
 */
@ExtendWith(ServerLogOnFailure.class)
class DnssecValidationTest {
    @TempDir
    static Path dir;
    private static GeodnsServer geodns;
    private static Unbound unbound;
    private static Unbound wrongAnchor;

    @BeforeAll
    static void start() {
        Path keys = dir.resolve("keys");
        Validating.keygen("example.com", keys);
        List<String> ds = Validating.ds("example.com", keys);
        String otherDs = Validating.keygen("example.com", dir.resolve("other-keys"));
        geodns = GeodnsServer.start(GeodnsServer.exampleZones(), "--keys", keys.toString());
        unbound = Unbound.start(dir.resolve("unbound"), "example.com.", geodns.dns(), ds, true);
        wrongAnchor = Unbound.start(dir.resolve("unbound-wrong"), "example.com.", geodns.dns(), List.of(otherDs),
                false);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {wrongAnchor, unbound, geodns}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the next one still stops
            }
        }
    }

    private static Reply validated(String name, String type, String... more) {
        Reply reply = Validating.ask(unbound.dns(), name, type, more);
        assertTrue(reply.flag("ad"), () -> "AD: Unbound validated " + name + " " + type + reply
                + "\n--- unbound log\n" + unbound.log());
        return reply;
    }

    private static Set<String> addresses(Reply reply, String type) {
        return GeoWorld.addresses(reply, type);
    }

    @Test
    void staticAnswerValidates() {
        Reply reply = validated("www.example.com", "A");
        assertEquals("NOERROR", reply.rcode());
        assertEquals(Set.of("192.0.2.80"), addresses(reply, "A"));
    }

    @Test
    void geoAnswerValidates() {
        Reply reply = validated("app.example.com", "A");
        assertEquals("NOERROR", reply.rcode());
        assertFalse(addresses(reply, "A").isEmpty(), reply::toString);
    }

    @Test
    void geoAnswerOfIpv6NodesValidates() {
        Reply reply = validated("app.example.com", "AAAA");
        assertFalse(addresses(reply, "AAAA").isEmpty(), reply::toString);
    }

    @Test
    void cnameToAGeoNameValidates() {
        Reply reply = validated("shop.example.com", "A");
        assertTrue(reply.answer().stream().anyMatch(r -> r.is("shop.example.com.", "CNAME")), reply::toString);
        assertFalse(addresses(reply, "A").isEmpty(), reply::toString);
    }

    @Test
    void wildcardAnswerValidates() {
        Reply reply = validated("foo.apps.example.com", "A");
        assertEquals(Set.of("203.0.113.80"), addresses(reply, "A"));
    }

    @Test
    void nxdomainValidates() {
        assertEquals("NXDOMAIN", validated("nope.example.com", "A").rcode());
    }

    @Test
    void nodataValidates() {
        Reply reply = validated("www.example.com", "MX");
        assertEquals("NOERROR", reply.rcode());
        assertEquals(List.of(), reply.answer().stream().filter(r -> r.type().equals("MX")).toList());
    }

    @Test
    void emptyNonTerminalValidates() {
        Reply reply = validated("b.example.com", "A");
        assertEquals("NOERROR", reply.rcode());
        assertEquals(List.of(), reply.answer());
    }

    @Test
    void wildcardNodataValidates() {
        Reply reply = validated("foo.apps.example.com", "AAAA");
        assertEquals("NOERROR", reply.rcode());
        assertEquals(List.of(), reply.answer().stream().filter(r -> r.type().equals("AAAA")).toList());
    }

    /**
     * Two clients the embedded GeoIP database places far apart (GB, CN), as Unbound passes their subnets on:
     * two different answers of the geo name, each signed.
     */
    @Test
    void geoAnswersForClientsInOtherLocationsValidateToo() {
        Reply london = validated("app.example.com", "A", "+subnet=81.2.69.0/24");
        Reply singapore = validated("app.example.com", "A", "+subnet=175.16.199.0/24");
        // The example zones' nodes (zones/geo.yaml): london's and singapore's.
        assertEquals(Set.of("192.0.2.11", "192.0.2.12"), addresses(london, "A"), london::toString);
        assertEquals(Set.of("203.0.113.41", "203.0.113.42"), addresses(singapore, "A"), singapore::toString);
        assertNotEquals(addresses(london, "A"), addresses(singapore, "A"));
    }

    /** keygen --algorithm 15: the zone signed with Ed25519 (RFC 8080) validates as well. */
    @Test
    void aZoneSignedWithEd25519Validates() {
        Path keys = dir.resolve("ed25519-keys");
        Cli.Result made = Cli.run(60, "dnssec", "keygen", "example.com",
                "--keys", keys.toString(), "--algorithm", "15");
        assertEquals(0, made.exitCode(), made::toString);
        try (GeodnsServer ed = GeodnsServer.start(GeodnsServer.exampleZones(), "--keys", keys.toString());
             Unbound validator = Unbound.start(dir.resolve("unbound-ed25519"), "example.com.", ed.dns(),
                     Validating.ds("example.com", keys), false)) {
            for (String[] q : new String[][] {{"www.example.com", "A"}, {"app.example.com", "AAAA"},
                    {"nope.example.com", "A"}}) {
                Reply reply = Validating.ask(validator.dns(), q[0], q[1]);
                assertTrue(reply.flag("ad"), () -> "AD for " + q[0] + " " + q[1] + reply + "\n--- unbound log\n"
                        + validator.log());
                assertTrue(reply.answer().stream().noneMatch(r -> r.type().equals("RRSIG"))
                        || reply.answer().stream().filter(r -> r.type().equals("RRSIG"))
                                .allMatch(r -> r.data().split(" ")[1].equals("15")), reply::toString);
            }
        }
    }

    @Test
    void aZoneSignedWithAnotherKeyThanTheAnchorIsServfail() {
        Reply reply = Validating.ask(wrongAnchor.dns(), "www.example.com", "A");
        assertEquals("SERVFAIL", reply.rcode(), () -> reply + "\n--- unbound log\n" + wrongAnchor.log());
        assertTrue(wrongAnchor.log().contains("validation failure"), wrongAnchor::log);
    }
}
