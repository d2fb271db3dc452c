package geodns.server.zone;

import static geodns.server.testing.Replies.aa;
import static geodns.server.testing.Replies.answer;
import static geodns.server.testing.Replies.assertNegativeSoa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Dns;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** RFC 2308 negative answers: NXDOMAIN and NODATA with the zone's SOA and the negative TTL. */
class NegativeAnswersTest extends ExampleComZone {
    // --- negative answers (RFC 2308) ---

    @Test
    void missingNameIsNxdomainWithSoaAndNegativeTtl() {
        Message m = dns.ask("nothing.example.com", Type.A);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertTrue(aa(m));
        assertEquals(List.of(), answer(m));
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void nameBelowAMissingNameIsNxdomain() {
        Message m = dns.ask("a.b.nothing.example.com", Type.A);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void nameBelowAnExistingLeafIsNxdomain() {
        Message m = dns.ask("x.www.example.com", Type.A);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void missingTypeIsNodataWithSoaAndNegativeTtl() {
        Message m = dns.ask("www.example.com", Type.MX);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(aa(m));
        assertEquals(List.of(), answer(m));
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void missingTypeAtTheApexIsNodata() {
        Message m = dns.ask("example.com", Type.TXT);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(), answer(m));
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void emptyNonTerminalIsNodata() {
        for (String ent : List.of("b.c.example.com", "c.example.com", "wild.example.com")) {
            Message m = dns.ask(ent, Type.A);
            assertEquals(Rcode.NOERROR, m.getRcode(), ent);
            assertTrue(aa(m), ent);
            assertEquals(List.of(), answer(m), ent);
            assertNegativeSoa(m, "example.com", 300);
        }
    }

    @Test
    void negativeTtlIsTheSoaTtlWhenItIsBelowTheMinimum(@TempDir Path other) {
        Dns.write(other, "example.org.zone", """
                example.org. 60 IN SOA ns.example.org. admin.example.org. 1 7200 900 1209600 86400
                example.org. 3600 IN NS ns.example.org.
                ns.example.org. 3600 IN A 192.0.2.1
                """);
        Dns small = Dns.serving(other);
        assertNegativeSoa(small.ask("nothing.example.org", Type.A), "example.org", 60);
        assertNegativeSoa(small.ask("ns.example.org", Type.MX), "example.org", 60);
    }

}
