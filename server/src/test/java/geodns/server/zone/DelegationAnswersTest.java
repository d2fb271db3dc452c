package geodns.server.zone;

import static geodns.server.testing.Replies.a;
import static geodns.server.testing.Replies.aa;
import static geodns.server.testing.Replies.aaaa;
import static geodns.server.testing.Replies.additional;
import static geodns.server.testing.Replies.answer;
import static geodns.server.testing.Replies.authority;
import static geodns.server.testing.Replies.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Delegations: referrals with glue, and glue only in referrals. */
class DelegationAnswersTest extends ExampleComZone {
    // --- delegations ---

    private static void assertReferralToSub(Message m) throws Exception {
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertFalse(aa(m), "a referral is not authoritative");
        assertEquals(List.of(), answer(m));
        assertEquals(Set.of(new NSRecord(name("sub.example.com"), DClass.IN, 3600, name("ns1.sub.example.com")),
                new NSRecord(name("sub.example.com"), DClass.IN, 3600, name("ns.elsewhere.net"))),
                new HashSet<>(authority(m)));
        assertEquals(Set.of(a("ns1.sub.example.com", "192.0.2.200"), aaaa("ns1.sub.example.com", "2001:db8::200")),
                new HashSet<>(additional(m)));
    }

    @Test
    void delegationPointIsAReferralWithGlue() throws Exception {
        assertReferralToSub(dns.ask("sub.example.com", Type.A));
        assertReferralToSub(dns.ask("sub.example.com", Type.NS));
        assertReferralToSub(dns.ask("sub.example.com", Type.ANY));
    }

    @Test
    void nameBelowTheDelegationIsAReferral() throws Exception {
        for (String qname : List.of("www.sub.example.com", "a.b.c.sub.example.com", "ns1.sub.example.com",
                "x.ns1.sub.example.com")) {
            assertReferralToSub(dns.ask(qname, Type.A));
        }
    }

    @Test
    void glueAddressesAreOnlyGivenInReferrals() throws Exception {
        assertReferralToSub(dns.ask("ns1.sub.example.com", Type.AAAA));
    }

}
