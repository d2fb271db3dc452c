package geodns.server.zone;

import static geodns.server.dnssec.Validation.assertCovered;
import static geodns.server.dnssec.Validation.assertNoType;
import static geodns.server.dnssec.Validation.nsecs;
import static geodns.server.dnssec.Validation.verifyAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.HeapBudget;
import geodns.server.dnssec.Signatures;
import geodns.server.dnssec.TestKeys;
import geodns.server.dnssec.ZoneKey;
import geodns.server.dnssec.ZoneKeys;
import geodns.server.health.HealthView;
import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RFC 4035 §3.1: a signed zone's answers to queries with the DO bit, all pre-signed at build time. */
class SignedAnswersTest {
    static final Name ZONE = Name.fromConstantString("example.com.");
    static final ZoneKey KEY = TestKeys.ecdsa(ZONE);
    static final ZoneKey ED = TestKeys.ed25519(ZONE);
    static final AtomicLong SIGNED = new AtomicLong();

    @TempDir
    static Path dir;
    static Dns signed;
    static Dns unsigned;

    @BeforeAll
    static void load() {
        Dns.write(dir, "example.com.zone", ExampleComZone.EXAMPLE_COM + "sub IN DS 12345 13 2 "
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
                + "nosec IN NS ns.elsewhere.net.\n");
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), read.errors().toString());
        Metrics metrics = new Metrics();
        Signatures signatures = new Signatures(Map.of(ZONE, TestKeys.signing(ZONE, KEY, ED)), Clock.systemUTC(),
                SIGNED::incrementAndGet);
        signed = new Dns(Zones.compile(read.sources(), Zones.routing(read.sources(), null, metrics),
                HealthView.allUp(), metrics, HeapBudget.unlimited(), signatures));
        unsigned = Dns.serving(dir);
    }

    static Message askDo(Dns dns, String name, int type) {
        Message query = Dns.query(name, type, DClass.IN);
        query.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        return dns.ask(query, true);
    }

    static List<DNSKEYRecord> keys() {
        return List.of(KEY.dnskey(), ED.dnskey());
    }

    @Test
    void staticAnswerCarriesAVerifyingSignaturePerKey() {
        Message m = askDo(signed, "www.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of("www.example.com. A"), verifyAll(m, keys()));
    }

    @Test
    void apexHasTheDnskeySetAndCdsAndCdnskeyForTheSigningKeys() {
        Message m = askDo(signed, "example.com", Type.DNSKEY);
        assertEquals(2, m.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.DNSKEY).count());
        verifyAll(m, keys());
        Message cds = askDo(signed, "example.com", Type.CDS);
        assertEquals(2, cds.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.CDS).count());
        verifyAll(cds, keys());
        Message cdnskey = askDo(signed, "example.com", Type.CDNSKEY);
        assertEquals(2, cdnskey.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.CDNSKEY).count());
        verifyAll(cdnskey, keys());
    }

    @Test
    void withoutDoTheAnswerIsTheUnsignedZonesAnswer() {
        for (String name : List.of("www.example.com", "nothere.example.com", "x.wild.example.com", "sub.example.com",
                "alias.example.com", "b.c.example.com")) {
            for (int type : new int[] {Type.A, Type.MX, Type.TXT}) {
                Message query = Dns.query(name, type, DClass.IN);
                query.getHeader().setID(4711);
                assertArrayEquals(unsigned.raw(query.toWire(), false), signed.raw(query.toWire(), false),
                        name + " " + Type.string(type));
            }
        }
    }

    @Test
    void cnameChainCarriesEachRRsetsSignature() {
        Message m = askDo(signed, "alias2.example.com", Type.A);
        assertEquals(List.of("alias2.example.com. CNAME", "alias.example.com. CNAME", "www.example.com. A"),
                verifyAll(m, keys()));
    }

    @Test
    void nxdomainProvesTheNameAndTheWildcardAbsent() {
        Message m = askDo(signed, "nothere.example.com", Type.A);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        verifyAll(m, keys());
        assertCovered(m, "nothere.example.com.");
        assertCovered(m, "*.example.com.");
        Message deep = askDo(signed, "x.y.b.c.example.com", Type.A);
        assertEquals(Rcode.NXDOMAIN, deep.getRcode());
        verifyAll(deep, keys());
        assertCovered(deep, "x.y.b.c.example.com.");
        assertCovered(deep, "y.b.c.example.com.");
        assertCovered(deep, "*.b.c.example.com.");
    }

    @Test
    void cnameToANameThatDoesNotExistProvesTheTargetAbsent() {
        Message m = askDo(signed, "dangling.example.com", Type.A);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertEquals(List.of("dangling.example.com. CNAME", "example.com. SOA"), verifyAll(m, keys()).stream()
                .filter(k -> !k.endsWith("NSEC")).toList());
        assertCovered(m, "nowhere.example.com.");
        assertCovered(m, "*.example.com.");
    }

    @Test
    void cnameSynthesizedFromAWildcardIsSignedByItAndProvesTheNameAbsent() {
        Message m = askDo(signed, "x.cn.example.com", Type.A);
        assertEquals(List.of("x.cn.example.com. CNAME", "www.example.com. A"), verifyAll(m, keys()).stream()
                .filter(k -> !k.endsWith("NSEC")).toList());
        assertCovered(m, "x.cn.example.com.");
    }

    @Test
    void nodataGivesTheNamesNsec() {
        Message m = askDo(signed, "www.example.com", Type.MX);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(0, m.getSection(Section.ANSWER).size());
        verifyAll(m, keys());
        assertNoType(m, "www.example.com.", Type.MX);
    }

    @Test
    void emptyNonTerminalIsNodataProvenByTheNsecThatCoversIt() {
        Message m = askDo(signed, "b.c.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(0, m.getSection(Section.ANSWER).size());
        verifyAll(m, keys());
        assertCovered(m, "b.c.example.com.");
        NSECRecord proof = nsecs(m).get(0);
        assertTrue(proof.getNext().subdomain(Name.fromConstantString("b.c.example.com.")),
                "the next name is below the empty non-terminal: " + proof);
    }

    @Test
    void wildcardAnswerIsSignedByTheWildcardAndProvesTheNameAbsent() {
        Message m = askDo(signed, "q.wild.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        verifyAll(m, keys());
        RRSIGRecord sig = (RRSIGRecord) m.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == Type.RRSIG).findFirst().orElseThrow();
        assertEquals(3, sig.getLabels(), "the labels field counts the wildcard's labels, not the owner's");
        assertCovered(m, "q.wild.example.com.");
    }

    @Test
    void wildcardNodataProvesTheNameAbsentAndTheWildcardWithoutTheType() {
        Message m = askDo(signed, "q.wild.example.com", Type.MX);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(0, m.getSection(Section.ANSWER).size());
        verifyAll(m, keys());
        assertCovered(m, "q.wild.example.com.");
        assertNoType(m, "*.wild.example.com.", Type.MX);
    }

    @Test
    void referralCarriesTheSignedDs() {
        Message m = askDo(signed, "www.sub.example.com", Type.A);
        assertFalse(m.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("sub.example.com. DS"), verifyAll(m, keys()));
    }

    @Test
    void referralWithoutDsProvesItsAbsence() {
        Message m = askDo(signed, "www.nosec.example.com", Type.A);
        assertFalse(m.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("nosec.example.com. NSEC"), verifyAll(m, keys()));
        assertNoType(m, "nosec.example.com.", Type.DS);
        assertTrue(nsecs(m).get(0).hasType(Type.NS));
    }

    @Test
    void dsAtADelegationIsAnsweredByTheParent() {
        Message m = askDo(signed, "sub.example.com", Type.DS);
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("sub.example.com. DS"), verifyAll(m, keys()));
        Message none = askDo(signed, "nosec.example.com", Type.DS);
        assertTrue(none.getHeader().getFlag(Flags.AA));
        verifyAll(none, keys());
        assertNoType(none, "nosec.example.com.", Type.DS);
    }

    @Test
    void nsecChainCoversEveryAuthoritativeNameAndSkipsGlue() {
        Message m = askDo(signed, "ns1.sub.example.com", Type.A);
        assertFalse(m.getHeader().getFlag(Flags.AA), "glue is not ours");
        for (String name : List.of("www.example.com.", "a.b.c.example.com.", "host.wild.example.com.")) {
            Message nsec = askDo(signed, name, Type.NSEC);
            assertEquals(List.of(name + " NSEC"), verifyAll(nsec, keys()));
            Record own = nsec.getSection(Section.ANSWER).get(0);
            assertFalse(((NSECRecord) own).getNext().toString().contains("ns1.sub"), own.toString());
        }
    }

    @Test
    void signedUdpAnswerThatDoesNotFitIsTruncated() {
        Message query = Dns.query("big.example.com", Type.TXT, DClass.IN);
        query.addRecord(new OPTRecord(700, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        Message m = signed.ask(query, false);
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertEquals(0, m.getSection(Section.ANSWER).size());
    }

    @Test
    void answeringSignsNothing() {
        long before = SIGNED.get();
        for (String name : List.of("www.example.com", "nothere.example.com", "q.wild.example.com",
                "www.sub.example.com", "b.c.example.com")) {
            askDo(signed, name, Type.A);
            askDo(signed, name, Type.MX);
        }
        assertEquals(before, SIGNED.get());
        assertTrue(before > 0);
    }
}
