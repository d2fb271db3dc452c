package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Dns;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * RFC 1034 §4.3.2 authoritative answers from a zone loaded by {@link Zones#load}, asked through the answerer
 * with dnsjava queries and read back with dnsjava.
 */
class AuthoritativeAnswersTest {
    static final String EXAMPLE_COM = """
            $ORIGIN example.com.
            $TTL 3600
            @       IN SOA ns1 hostmaster ( 2024010101 7200 900 1209600 300 )
                    IN NS  ns1
                    IN NS  ns2
                    IN MX  10 mail
            ns1     IN A    192.0.2.53
            ns1     IN AAAA 2001:db8::53
            ns2     IN A    198.51.100.53
            mail    IN A    192.0.2.25
            www     IN A    192.0.2.1
            www     IN AAAA 2001:db8::1
            alias   IN CNAME www
            alias2  IN CNAME alias
            external IN CNAME www.example.net.
            dangling IN CNAME nowhere
            toent   IN CNAME c
            loop1   IN CNAME loop2
            loop2   IN CNAME loop1
            self    IN CNAME self
            a.b.c   IN A    192.0.2.7
            *.wild  IN TXT  "wild"
            *.wild  IN A    192.0.2.99
            host.wild IN A  192.0.2.5
            *.cn    IN CNAME www
            *.mx    IN MX   10 mail
            sub     IN NS   ns1.sub
            sub     IN NS   ns.elsewhere.net.
            ns1.sub IN A    192.0.2.200
            ns1.sub IN AAAA 2001:db8::200
            big     IN TXT  "%1$s" "%1$s" "%1$s"
            """.formatted("x".repeat(200));

    @TempDir
    static Path dir;
    static Dns dns;

    @BeforeAll
    static void load() {
        Dns.write(dir, "example.com.zone", EXAMPLE_COM);
        dns = Dns.serving(dir);
    }

    static Name name(String text) {
        return Name.fromConstantString(text.endsWith(".") ? text : text + ".");
    }

    static Record a(String owner, String address) throws Exception {
        return new ARecord(name(owner), DClass.IN, 3600, InetAddress.getByName(address));
    }

    static Record aaaa(String owner, String address) throws Exception {
        return new AAAARecord(name(owner), DClass.IN, 3600, InetAddress.getByName(address));
    }

    static Record cname(String owner, String target) {
        return new CNAMERecord(name(owner), DClass.IN, 3600, name(target));
    }

    static List<Record> answer(Message m) {
        return m.getSection(Section.ANSWER);
    }

    static List<Record> authority(Message m) {
        return m.getSection(Section.AUTHORITY);
    }

    static List<Record> additional(Message m) {
        return m.getSection(Section.ADDITIONAL);
    }

    static boolean aa(Message m) {
        return m.getHeader().getFlag(Flags.AA);
    }

    /** The authority section of a negative answer: the zone's SOA alone, with the RFC 2308 TTL. */
    static void assertNegativeSoa(Message m, String zone, long ttl) {
        List<Record> authority = authority(m);
        assertEquals(1, authority.size(), () -> "authority: " + authority);
        SOARecord soa = (SOARecord) authority.get(0);
        assertEquals(name(zone), soa.getName());
        assertEquals(ttl, soa.getTTL());
    }

    // --- positive answers ---

    @Test
    void addressIsAnsweredAuthoritatively() throws Exception {
        Message m = dns.ask("www.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(aa(m));
        assertFalse(m.getHeader().getFlag(Flags.RA));
        assertEquals(List.of(a("www.example.com", "192.0.2.1")), answer(m));
        assertEquals(List.of(), authority(m));
    }

    @Test
    void queryNameMatchesWhateverItsLetterCase() throws Exception {
        Message m = dns.ask("WWW.Example.COM", Type.AAAA);
        assertEquals(List.of(aaaa("www.example.com", "2001:db8::1")), answer(m));
        assertEquals("WWW.Example.COM.", m.getQuestion().getName().toString());
    }

    @Test
    void apexSoaIsAnswered() {
        Message m = dns.ask("example.com", Type.SOA);
        assertTrue(aa(m));
        SOARecord soa = (SOARecord) answer(m).get(0);
        assertEquals(2024010101L, soa.getSerial());
        assertEquals(3600, soa.getTTL(), "the SOA itself keeps its TTL; only negative answers use the minimum");
    }

    @Test
    void apexNsHasAddressesOfInZoneServersInAdditional() throws Exception {
        Message m = dns.ask("example.com", Type.NS);
        assertTrue(aa(m));
        assertEquals(Set.of(name("ns1.example.com"), name("ns2.example.com")),
                answer(m).stream().map(r -> ((NSRecord) r).getTarget()).collect(Collectors.toSet()));
        assertEquals(Set.of(a("ns1.example.com", "192.0.2.53"), aaaa("ns1.example.com", "2001:db8::53"),
                a("ns2.example.com", "198.51.100.53")), new HashSet<>(additional(m)));
    }

    @Test
    void mxHasTheExchangeAddressInAdditional() throws Exception {
        Message m = dns.ask("example.com", Type.MX);
        assertEquals(List.of(new MXRecord(name("example.com"), DClass.IN, 3600, 10, name("mail.example.com"))),
                answer(m));
        assertEquals(List.of(a("mail.example.com", "192.0.2.25")), additional(m));
    }

    @Test
    void anyReturnsOneRRsetOnly() {
        Message m = dns.ask("www.example.com", Type.ANY);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(aa(m));
        List<Record> records = answer(m);
        assertFalse(records.isEmpty());
        assertEquals(1, records.stream().map(Record::getType).distinct().count(), () -> "answer: " + records);
    }

    @Test
    void anyAtTheApexReturnsOneRRsetOnly() {
        List<Record> records = answer(dns.ask("example.com", Type.ANY));
        assertFalse(records.isEmpty());
        assertEquals(1, records.stream().map(Record::getType).distinct().count(), () -> "answer: " + records);
    }

    @Test
    void anyForAMissingNameIsNxdomain() {
        assertEquals(Rcode.NXDOMAIN, dns.ask("nothing.example.com", Type.ANY).getRcode());
    }

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

    @Test
    void upperCaseZoneDataIsFoundByLowerCaseQueries(@TempDir Path other) throws Exception {
        Dns.write(other, "Example.ORG.zone", """
                $ORIGIN Example.ORG.
                @   300 IN SOA NS admin 1 7200 900 1209600 300
                @   300 IN NS  NS
                NS  300 IN A   192.0.2.1
                WWW 300 IN A   192.0.2.2
                """);
        Dns org = Dns.serving(other);
        assertEquals(List.of(new ARecord(name("www.example.org"), DClass.IN, 300, InetAddress.getByName("192.0.2.2"))),
                answer(org.ask("www.example.org", Type.A)));
        Message ns = org.ask("example.org", Type.NS);
        assertEquals(1, additional(ns).size(), "the NS target's address is found whatever its case");
    }

    @Test
    void unknownTypeInRfc3597SyntaxIsServed(@TempDir Path other) {
        Dns.write(other, "example.org.zone", """
                $ORIGIN example.org.
                @   300 IN SOA ns admin 1 7200 900 1209600 300
                @   300 IN NS  ns
                www 300 IN TYPE65000 \\# 2 2a2b
                """);
        Dns org = Dns.serving(other);
        List<Record> records = answer(org.ask("www.example.org", 65000));
        assertEquals(1, records.size());
        assertEquals("\\# 2 2A2B", records.get(0).rdataToString());
        assertEquals(List.of(), answer(org.ask("www.example.org", Type.SRV)));
    }

    @Test
    void privateUseType65280IsNotAnsweredForOtherTypes(@TempDir Path other) {
        Dns.write(other, "example.org.zone", """
                $ORIGIN example.org.
                @     300 IN SOA ns admin 1 7200 900 1209600 300
                @     300 IN NS  ns
                www   300 IN A   192.0.2.1
                www   300 IN TYPE65280 \\# 1 2a
                alias 300 IN CNAME www
                """);
        Dns org = Dns.serving(other);
        Message srv = org.ask("www.example.org", Type.SRV);
        assertEquals(List.of(), answer(srv));
        assertNegativeSoa(srv, "example.org", 300);
        assertEquals(List.of(cname("alias.example.org", "www.example.org").rdataToString()),
                answer(org.ask("alias.example.org", Type.SRV)).stream().map(Record::rdataToString).toList());
    }

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

    // --- outside our zones ---

    @Test
    void nameOutsideEveryZoneIsRefused() {
        for (String qname : List.of("www.example.net", "com", "notexample.com", "example.com.evil.org")) {
            Message m = dns.ask(qname, Type.A);
            assertEquals(Rcode.REFUSED, m.getRcode(), qname);
            assertFalse(aa(m), qname);
            assertEquals(List.of(), answer(m), qname);
            assertEquals(List.of(), authority(m), qname);
        }
    }

    @Test
    void rootIsRefused() {
        assertEquals(Rcode.REFUSED, dns.ask(".", Type.NS).getRcode());
    }

    @Test
    void chaosClassIsRefused() {
        Message m = dns.ask(Dns.query("version.bind", Type.TXT, DClass.CH), false);
        assertEquals(Rcode.REFUSED, m.getRcode());
        assertEquals(List.of(), answer(m));
        assertEquals(Rcode.REFUSED, dns.ask(Dns.query("www.example.com", Type.A, DClass.CH), false).getRcode());
    }

    @Test
    void classAnyIsAnswered() throws Exception {
        Message m = dns.ask(Dns.query("www.example.com", Type.A, DClass.ANY), false);
        assertEquals(List.of(a("www.example.com", "192.0.2.1")), answer(m));
    }

    // --- size limits (RFC 1035 §4.2.1, RFC 6891 §6.2.5) ---

    @Test
    void answerOver512BytesWithoutEdnsIsTruncated() {
        Message m = dns.ask("big.example.com", Type.TXT);
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertEquals(List.of(), answer(m));
        assertTrue(aa(m));
    }

    @Test
    void answerOverTcpIsNeverTruncated() {
        Message m = dns.ask(Dns.query("big.example.com", Type.TXT, DClass.IN), true);
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(1, answer(m).size());
    }

    @Test
    void advertisedUdpSizeIsHonoured() {
        Message fits = dns.askWithEdns("big.example.com", Type.TXT, 1232);
        assertFalse(fits.getHeader().getFlag(Flags.TC));
        assertEquals(1, answer(fits).size());
        assertNotNull(fits.getOPT());
        assertEquals(Dns.CAP, fits.getOPT().getPayloadSize());

        Message tooSmall = dns.askWithEdns("big.example.com", Type.TXT, 600);
        assertTrue(tooSmall.getHeader().getFlag(Flags.TC));
        assertNotNull(tooSmall.getOPT());
    }

    @Test
    void advertisedUdpSizeBelow512CountsAs512() {
        Message m = dns.askWithEdns("www.example.com", Type.A, 100);
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(1, answer(m).size());
    }

    @Test
    void optIsEchoedOnlyWhenTheQueryHadOne() {
        assertNull(dns.ask("www.example.com", Type.A).getOPT());
        assertNotNull(dns.askWithEdns("www.example.com", Type.A, 4096).getOPT());
        assertNotNull(dns.askWithEdns("nothing.example.com", Type.A, 4096).getOPT());
        assertNotNull(dns.askWithEdns("www.example.net", Type.A, 4096).getOPT());
    }
}
