package geodns.server.zone;

import static geodns.server.testing.Replies.a;
import static geodns.server.testing.Replies.aa;
import static geodns.server.testing.Replies.additional;
import static geodns.server.testing.Replies.answer;
import static geodns.server.testing.Replies.assertNegativeSoa;
import static geodns.server.testing.Replies.authority;
import static geodns.server.testing.Replies.cname;
import static geodns.server.testing.Replies.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Dns;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** RFC 4592 wildcards: synthesized with the query name as owner, never for existing names or below them. */
class WildcardAnswersTest extends ExampleComZone {
    // --- wildcards (RFC 4592) ---

    @Test
    void wildcardIsSynthesizedWithTheQueryNameAsOwner() throws Exception {
        for (String qname : List.of("a.wild.example.com", "abcdefghijklmnop.wild.example.com",
                "a.b.c.d.e.wild.example.com", "x.wild.example.com", "Mixed-Case.WILD.example.com")) {
            Message m = dns.ask(qname, Type.TXT);
            assertEquals(Rcode.NOERROR, m.getRcode(), qname);
            assertTrue(aa(m), qname);
            assertEquals(List.of(new TXTRecord(name(qname), DClass.IN, 3600, "wild")), answer(m), qname);
            assertEquals(name(qname).toString(), answer(m).get(0).getName().toString(), "owner keeps the query's case");
        }
    }

    @Test
    void wildcardAddressIsSynthesized() throws Exception {
        assertEquals(List.of(a("q.wild.example.com", "192.0.2.99")), answer(dns.ask("q.wild.example.com", Type.A)));
    }

    @Test
    void wildcardWithoutTheTypeIsNodata() {
        for (String qname : List.of("a.wild.example.com", "longer.name.wild.example.com")) {
            Message m = dns.ask(qname, Type.MX);
            assertEquals(Rcode.NOERROR, m.getRcode(), qname);
            assertEquals(List.of(), answer(m));
            assertNegativeSoa(m, "example.com", 300);
        }
    }

    @Test
    void wildcardIsNotAppliedToAnExistingName() {
        Message m = dns.ask("host.wild.example.com", Type.TXT);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(), answer(m), "host exists, so the wildcard does not speak for it");
    }

    @Test
    void wildcardIsNotAppliedBelowAnExistingName() {
        Message m = dns.ask("x.host.wild.example.com", Type.TXT);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertNegativeSoa(m, "example.com", 300);
    }

    @Test
    void wildcardIsNotAppliedToItsParent() {
        assertEquals(List.of(), answer(dns.ask("wild.example.com", Type.TXT)));
    }

    @Test
    void wildcardCnameIsSynthesizedAndFollowed() throws Exception {
        for (String qname : List.of("a.cn.example.com", "much-longer-label.cn.example.com", "x.y.cn.example.com")) {
            Message m = dns.ask(qname, Type.A);
            assertEquals(Rcode.NOERROR, m.getRcode(), qname);
            assertEquals(List.of(cname(qname, "www.example.com"), a("www.example.com", "192.0.2.1")), answer(m));
        }
    }

    @Test
    void wildcardMxHasTheExchangeAddressInAdditional() throws Exception {
        for (String qname : List.of("a.mx.example.com", "abc.def.mx.example.com")) {
            Message m = dns.ask(qname, Type.MX);
            assertEquals(List.of(new MXRecord(name(qname), DClass.IN, 3600, 10, name("mail.example.com"))), answer(m));
            assertEquals(List.of(a("mail.example.com", "192.0.2.25")), additional(m));
        }
    }

    @Test
    void literalWildcardNameIsAnsweredFromTheWildcard() throws Exception {
        assertEquals(List.of(a("*.wild.example.com", "192.0.2.99")), answer(dns.ask("*.wild.example.com", Type.A)));
    }

    @Test
    void wildcardAnyReturnsOneRRsetWithTheQueryNameAsOwner() {
        List<Record> records = answer(dns.ask("some.wild.example.com", Type.ANY));
        assertFalse(records.isEmpty());
        assertEquals(1, records.stream().map(Record::getType).distinct().count());
        assertTrue(records.stream().allMatch(r -> r.getName().equals(name("some.wild.example.com"))));
    }

    @Test
    void apexWildcardAnswersMissingNamesButNotBelowACutOrAnExistingName(@TempDir Path other) throws Exception {
        Dns.write(other, "example.org.zone", """
                $ORIGIN example.org.
                @      300 IN SOA ns admin 1 7200 900 1209600 300
                @      300 IN NS  ns
                ns     300 IN A   192.0.2.1
                *      300 IN A   192.0.2.9
                sub    300 IN NS  ns.sub
                ns.sub 300 IN A   192.0.2.10
                """);
        Dns org = Dns.serving(other);
        Message synthesized = org.ask("anything.example.org", Type.A);
        assertEquals(List.of(new ARecord(name("anything.example.org"), DClass.IN, 300,
                InetAddress.getByName("192.0.2.9"))), answer(synthesized));
        Message referral = org.ask("x.sub.example.org", Type.A);
        assertFalse(aa(referral), "the wildcard does not reach below a zone cut");
        assertEquals(Type.NS, authority(referral).get(0).getType());
        assertEquals(Rcode.NXDOMAIN, org.ask("x.ns.example.org", Type.A).getRcode());
    }

}
