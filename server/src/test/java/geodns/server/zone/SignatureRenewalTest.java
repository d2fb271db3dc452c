package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.answer.Snapshot;
import geodns.server.config.HeapBudget;
import geodns.server.dnssec.Signatures;
import geodns.server.dnssec.TestKeys;
import geodns.server.dnssec.ZoneKey;
import geodns.server.health.HealthView;
import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Signatures are kept from build to build until they come within a week of expiry, then made again. */
class SignatureRenewalTest {
    static final Name ZONE = Name.fromConstantString("example.com.");
    static final ZoneKey KEY = TestKeys.ecdsa(ZONE);

    @TempDir
    Path dir;
    Zones.Read read;
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    final AtomicLong made = new AtomicLong();
    Signatures signatures;

    @BeforeEach
    void load() {
        Dns.write(dir, "example.com.zone", ExampleComZone.EXAMPLE_COM);
        Dns.write(dir, "example.org.zone", ExampleComZone.EXAMPLE_COM.replace("example.com.", "example.org."));
        read = Zones.read(dir);
        assertTrue(read.ok(), read.errors().toString());
        Clock clock = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now; }
        };
        signatures = new Signatures(Map.of(ZONE, TestKeys.signing(ZONE, KEY)), clock, made::incrementAndGet);
    }

    Dns build() {
        Metrics metrics = new Metrics();
        Snapshot snapshot = Zones.compile(read.sources(), Zones.routing(read.sources(), null, metrics),
                HealthView.allUp(), metrics, HeapBudget.unlimited(), signatures);
        return new Dns(snapshot);
    }

    static Message askDo(Dns dns, String name, int type) {
        Message query = Dns.query(name, type, DClass.IN);
        query.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        return dns.ask(query, true);
    }

    static RRSIGRecord signatureOf(Message reply) {
        return (RRSIGRecord) reply.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.RRSIG)
                .findFirst().orElseThrow();
    }

    @Test
    void signaturesAreValidFromAnHourAgoForTwoWeeks() {
        RRSIGRecord sig = signatureOf(askDo(build(), "www.example.com", Type.A));
        assertEquals(now.minus(Duration.ofHours(1)), sig.getTimeSigned());
        assertEquals(now.plus(Duration.ofDays(14)), sig.getExpire());
    }

    @Test
    void aRebuildWithinTheWeekReusesEverySignature() {
        build();
        long first = made.get();
        now = now.plus(Duration.ofDays(6));
        Dns dns = build();
        assertEquals(first, made.get());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z").plus(Duration.ofDays(14)),
                signatureOf(askDo(dns, "www.example.com", Type.A)).getExpire());
    }

    @Test
    void aRebuildAWeekBeforeExpiryMakesEverySignatureAgain() {
        build();
        long first = made.get();
        now = now.plus(Duration.ofDays(7)).plusSeconds(60);
        Dns dns = build();
        assertEquals(2 * first, made.get(), "every signature made again");
        assertEquals(now.plus(Duration.ofDays(14)), signatureOf(askDo(dns, "www.example.com", Type.A)).getExpire());
    }

    @Test
    void aZoneWithoutKeysAnswersDoQueriesAsBefore() {
        Dns unsigned = Dns.serving(dir);
        Dns signedBuild = build();
        for (String name : List.of("www.example.org", "nothere.example.org", "x.wild.example.org")) {
            Message query = Dns.query(name, Type.A, DClass.IN);
            query.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
            assertArrayEquals(unsigned.raw(query.toWire(), false), signedBuild.raw(query.toWire(), false), name);
        }
    }
}
