package geodns.server.zone;

import static geodns.server.testing.Replies.a;
import static geodns.server.testing.Replies.aa;
import static geodns.server.testing.Replies.answer;
import static geodns.server.testing.Replies.assertNegativeSoa;
import static geodns.server.testing.Replies.authority;
import static geodns.server.testing.Replies.cname;
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

/** CNAMEs in answers: chains in the zone followed, other zones' targets returned alone, loops bounded. */
class CnameAnswersTest extends ExampleComZone {
    // --- CNAME ---

    @Test
    void cnameChainInZoneIsFollowed() throws Exception {
        Message m = dns.ask("alias2.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(aa(m));
        assertEquals(List.of(cname("alias2.example.com", "alias.example.com"),
                cname("alias.example.com", "www.example.com"), a("www.example.com", "192.0.2.1")), answer(m));
    }

    @Test
    void cnameQueryReturnsTheCnameAlone() {
        Message m = dns.ask("alias.example.com", Type.CNAME);
        assertEquals(List.of(cname("alias.example.com", "www.example.com")), answer(m));
    }

    @Test
    void cnameToATypeTheTargetLacksIsNodataWithTheCname() {
        Message m = dns.ask("alias.example.com", Type.MX);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(cname("alias.example.com", "www.example.com")), answer(m));
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void cnameForATypeNoNameInTheZoneHasIsNodataWithTheCname() {
        Message m = dns.ask("alias.example.com", Type.SRV);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(cname("alias.example.com", "www.example.com")), answer(m));
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void cnameToAnEmptyNonTerminalIsNodataWithTheCname() {
        Message m = dns.ask("toent.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(cname("toent.example.com", "c.example.com")), answer(m));
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void cnameToAnotherZoneIsReturnedAlone() {
        Message m = dns.ask("external.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(aa(m));
        assertEquals(List.of(cname("external.example.com", "www.example.net")), answer(m));
        assertEquals(List.of(), authority(m));
    }

    @Test
    void cnameToAMissingInZoneNameIsNxdomainWithTheCname() {
        // RFC 6604 §2: the rcode is that of the last name in the chain.
        Message m = dns.ask("dangling.example.com", Type.A);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertTrue(aa(m));
        assertEquals(List.of(cname("dangling.example.com", "nowhere.example.com")), answer(m));
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void cnameLoopTerminates() {
        Message m = dns.ask("loop1.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(answer(m).stream().allMatch(r -> r.getType() == Type.CNAME));
        assertTrue(answer(m).contains(cname("loop1.example.com", "loop2.example.com")));
        assertTrue(answer(m).contains(cname("loop2.example.com", "loop1.example.com")));
        Message self = dns.ask("self.example.com", Type.A);
        assertEquals(Rcode.NOERROR, self.getRcode());
        assertTrue(answer(self).contains(cname("self.example.com", "self.example.com")));
    }

    @Test
    void cnameLoopListsEachCnameOnce() {
        assertEquals(List.of(cname("loop1.example.com", "loop2.example.com"),
                cname("loop2.example.com", "loop1.example.com")), answer(dns.ask("loop1.example.com", Type.A)));
        assertEquals(List.of(cname("self.example.com", "self.example.com")),
                answer(dns.ask("self.example.com", Type.A)));
    }

    @Test
    void longCnameChainStopsAfterABoundedNumberOfHops(@TempDir Path other) {
        StringBuilder zone = new StringBuilder("""
                $ORIGIN chain.test.
                @ 300 IN SOA ns admin 1 7200 900 1209600 300
                @ 300 IN NS ns
                ns 300 IN A 192.0.2.1
                """);
        for (int i = 0; i < 30; i++) {
            zone.append("c").append(i).append(" 300 IN CNAME c").append(i + 1).append('\n');
        }
        zone.append("c30 300 IN A 192.0.2.30\n");
        Dns.write(other, "chain.test.zone", zone.toString());
        Message m = Dns.serving(other).ask("c0.chain.test", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(answer(m).size() >= 2 && answer(m).size() < 30, () -> "answer: " + answer(m));
        assertEquals(cname("c0.chain.test", "c1.chain.test").rdataToString(), answer(m).get(0).rdataToString());
    }

}
