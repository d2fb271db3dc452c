package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import geodns.server.answer.Snapshot;
import geodns.server.config.HeapBudget;
import geodns.server.dnssec.Signatures;
import geodns.server.dnssec.TestKeys;
import geodns.server.dnssec.ZoneKey;
import geodns.server.health.HealthView;
import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import geodns.server.transfer.TransferStream;
import geodns.server.transfer.ZoneTransfer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** AXFR of a signed zone: what a secondary needs to serve it validly, geo names with their default answer. */
class SignedTransferTest {
    static final Name ZONE = Name.fromConstantString("example.com.");
    static final ZoneKey KEY = TestKeys.ecdsa(ZONE);

    @TempDir
    static Path dir;
    static List<Record> transferred;

    @BeforeAll
    static void load() throws Exception {
        Dns.write(dir, "example.com.zone", GeoAnswersWorld.ZONE + """
                sub    IN NS  ns.sub
                ns.sub IN A   192.0.2.53
                """);
        Dns.write(dir, "geo.yaml", GeoAnswersWorld.GEO.replace("  app.example.net:\n"
                + "    locations: [singapore, seattle]\n    unknown: [seattle]\n", ""));
        Dns.write(dir, "transfer.yaml", """
                zones:
                  example.com: { allow: [127.0.0.0/8] }
                """);
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        Metrics metrics = new Metrics();
        Signatures signatures = new Signatures(Map.of(ZONE, TestKeys.signing(ZONE, KEY)), Clock.systemUTC(),
                () -> {});
        Snapshot snapshot = Zones.compile(read.sources(), Zones.routing(read.sources(), null, metrics),
                HealthView.allUp(), metrics, HeapBudget.unlimited(), signatures);
        ZoneTransfer zone = snapshot.transfers().zone(ZONE);
        Message query = Message.newQuery(Record.newRecord(ZONE, Type.AXFR, DClass.IN));
        byte[] packet = query.toWire();
        TransferStream stream = TransferStream.of(packet, packet.length, zone.messages(), null, null, 1232);
        transferred = new ArrayList<>();
        while (!stream.done()) {
            transferred.addAll(new Message(stream.next()).getSection(Section.ANSWER));
        }
    }

    @Test
    void everyAuthoritativeRRsetIsSignedAndVerifies() {
        Map<String, RRset> rrsets = new LinkedHashMap<>();
        List<RRSIGRecord> sigs = new ArrayList<>();
        for (Record r : transferred.subList(0, transferred.size() - 1)) {
            if (r instanceof RRSIGRecord sig) {
                sigs.add(sig);
            } else {
                rrsets.computeIfAbsent(r.getName() + " " + Type.string(r.getType()), k -> new RRset()).addRR(r);
            }
        }
        Set<String> unsigned = new TreeSet<>();
        for (Map.Entry<String, RRset> e : rrsets.entrySet()) {
            RRset rrset = e.getValue();
            RRSIGRecord sig = sigs.stream().filter(s -> s.getName().equals(rrset.getName())
                    && s.getTypeCovered() == rrset.getType()).findFirst().orElse(null);
            if (sig == null) {
                unsigned.add(e.getKey());
                continue;
            }
            try {
                DNSSEC.verify(rrset, sig, KEY.dnskey(), Instant.now());
            } catch (DNSSEC.DNSSECException ex) {
                fail(e.getKey() + ": " + ex.getMessage());
            }
        }
        assertEquals(Set.of("sub.example.com. NS", "ns.sub.example.com. A"), unsigned,
                "only the delegation and its glue go unsigned");
        for (String present : List.of("example.com. DNSKEY", "example.com. CDS", "example.com. CDNSKEY",
                "example.com. SOA", "app.example.com. A", "app.example.com. AAAA", "example.com. NSEC")) {
            assertTrue(rrsets.containsKey(present), present);
        }
    }

    @Test
    void nsecChainLinksEveryAuthoritativeNameOnceAndClosesAtTheApex() {
        List<NSECRecord> chain = transferred.stream().filter(r -> r instanceof NSECRecord)
                .map(r -> (NSECRecord) r).toList();
        Set<Name> owners = new TreeSet<>();
        chain.forEach(n -> owners.add(n.getName()));
        Set<Name> nexts = new TreeSet<>();
        chain.forEach(n -> nexts.add(n.getNext()));
        assertEquals(owners, nexts, "a closed chain");
        assertTrue(owners.contains(Name.fromConstantString("app.example.com.")));
        assertTrue(owners.contains(Name.fromConstantString("sub.example.com.")));
        assertFalse(owners.contains(Name.fromConstantString("ns.sub.example.com.")), "glue has no NSEC");
    }

    @Test
    void geoNameCarriesItsDefaultAnswerSigned() {
        Set<String> app = new TreeSet<>();
        transferred.stream().filter(r -> r.getName().toString().equals("app.example.com.") && r.getType() == Type.A)
                .forEach(r -> app.add(r.rdataToString()));
        assertEquals(new TreeSet<>(GeoAnswersWorld.LONDON), app, "the first location of its unknown order");
    }
}
