package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Dig;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Validating;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example zones served signed by the real jar, asked with {@code dig +dnssec}: RRSIGs and NSEC proofs come
 * only with DO, a query without DO gets what the unsigned server gives, and answering signs nothing (the
 * signatures-made counter stands still while DO queries are answered).
 */
@ExtendWith(ServerLogOnFailure.class)
class SignedAnswersDigTest {
    private static final String SIGNATURES = "geodns_dnssec_signatures_made_total";

    @TempDir
    static Path dir;
    private static GeodnsServer signed;
    private static GeodnsServer unsigned;

    @BeforeAll
    static void start() {
        Path keys = dir.resolve("keys");
        Validating.keygen("example.com", keys);
        signed = GeodnsServer.start(GeodnsServer.exampleZones(), "--keys", keys.toString());
        unsigned = GeodnsServer.start(GeodnsServer.exampleZones());
    }

    @AfterAll
    static void stop() {
        if (signed != null) {
            signed.close();
        }
        if (unsigned != null) {
            unsigned.close();
        }
    }

    private static Reply dig(GeodnsServer server, String... args) {
        return Dig.run(server.dns(), args).only();
    }

    private static List<String> types(List<Rr> records) {
        return records.stream().map(r -> r.lowerName() + " " + r.type()).toList();
    }

    @Test
    void answerWithDoCarriesItsRrsig() {
        Reply reply = dig(signed, "+dnssec", "+norec", "www.example.com", "A");
        assertEquals("NOERROR", reply.rcode());
        assertEquals(List.of("www.example.com. A", "www.example.com. RRSIG"), types(reply.answer()), reply::toString);
    }

    @Test
    void answerWithoutDoIsTheUnsignedServersAnswer() {
        for (String[] question : new String[][] {{"www.example.com", "A"}, {"nothere.example.com", "A"},
                {"www.example.com", "MX"}, {"foo.apps.example.com", "A"}, {"www.k8s.example.com", "A"},
                {"blog.example.com", "A"}, {"example.com", "DNSKEY"}}) {
            Reply plain = dig(signed, "+norec", question[0], question[1]);
            Reply before = dig(unsigned, "+norec", question[0], question[1]);
            if (question[1].equals("DNSKEY")) {
                assertTrue(plain.answer().stream().allMatch(r -> r.type().equals("DNSKEY")), plain::toString);
                continue;
            }
            assertEquals(before.rcode(), plain.rcode(), question[0]);
            assertEquals(before.flags(), plain.flags(), question[0]);
            assertEquals(before.answer(), plain.answer(), question[0]);
            assertEquals(before.authority(), plain.authority(), question[0]);
            assertEquals(before.additional(), plain.additional(), question[0]);
        }
    }

    @Test
    void nxdomainWithDoProvesTheNameAndTheWildcardAbsent() {
        Reply reply = dig(signed, "+dnssec", "+norec", "nothere.example.com", "A");
        assertEquals("NXDOMAIN", reply.rcode());
        List<String> authority = types(reply.authority());
        assertTrue(authority.containsAll(List.of("example.com. SOA", "example.com. RRSIG")), reply::toString);
        assertTrue(authority.stream().filter(t -> t.endsWith(" NSEC")).count() >= 1, reply::toString);
        assertEquals(authority.stream().filter(t -> t.endsWith(" NSEC")).count() + 1,
                authority.stream().filter(t -> t.endsWith(" RRSIG")).count(), "each NSEC and the SOA signed");
    }

    @Test
    void wildcardAnswerWithDoCarriesTheNsecForTheQueryName() {
        Reply reply = dig(signed, "+dnssec", "+norec", "foo.apps.example.com", "A");
        assertEquals(List.of("foo.apps.example.com. A", "foo.apps.example.com. RRSIG"), types(reply.answer()));
        assertTrue(types(reply.authority()).stream().anyMatch(t -> t.endsWith(" NSEC")), reply::toString);
    }

    @Test
    void referralWithDoProvesTheDelegationUnsigned() {
        Reply reply = dig(signed, "+dnssec", "+norec", "www.k8s.example.com", "A");
        assertFalse(reply.flag("aa"));
        assertTrue(types(reply.authority()).containsAll(List.of("k8s.example.com. NS", "k8s.example.com. NSEC",
                "k8s.example.com. RRSIG")), reply::toString);
    }

    @Test
    void answeringSignsNothing() {
        double before = PromScrape.of(signed).value(SIGNATURES);
        assertTrue(before > 0, "the build signed the zone");
        for (String[] q : new String[][] {{"www.example.com", "A"}, {"nothere.example.com", "A"},
                {"foo.apps.example.com", "TXT"}, {"www.example.com", "MX"}, {"example.com", "DNSKEY"},
                {"www.k8s.example.com", "A"}, {"blog.example.com", "A"}}) {
            dig(signed, "+dnssec", "+norec", q[0], q[1]);
            dig(signed, "+dnssec", "+norec", "+tcp", q[0], q[1]);
        }
        assertEquals(before, PromScrape.of(signed).value(SIGNATURES));
    }
}
