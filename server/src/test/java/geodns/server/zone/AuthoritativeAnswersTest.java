package geodns.server.zone;

import static geodns.server.testing.Replies.a;
import static geodns.server.testing.Replies.aa;
import static geodns.server.testing.Replies.aaaa;
import static geodns.server.testing.Replies.additional;
import static geodns.server.testing.Replies.answer;
import static geodns.server.testing.Replies.assertNegativeSoa;
import static geodns.server.testing.Replies.authority;
import static geodns.server.testing.Replies.cname;
import static geodns.server.testing.Replies.name;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * RFC 1034 §4.3.2 authoritative answers from a zone loaded by {@link Zones#load}, asked through the answerer
 * with dnsjava queries and read back with dnsjava: positive answers, names outside our zones, size limits.
 */
class AuthoritativeAnswersTest extends ExampleComZone {
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
