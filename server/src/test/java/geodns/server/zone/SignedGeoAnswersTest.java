package geodns.server.zone;

import static geodns.server.dnssec.Validation.assertNoType;
import static geodns.server.dnssec.Validation.verifyAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.geoip.GeoDatabase;
import geodns.server.config.HeapBudget;
import geodns.server.dnssec.Signatures;
import geodns.server.dnssec.TestKeys;
import geodns.server.dnssec.ZoneKey;
import geodns.server.health.HealthView;
import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Every geo answer a snapshot can give is signed when it is built: per location, family, rotation and health. */
class SignedGeoAnswersTest {
    static final Name ZONE = Name.fromConstantString("example.com.");
    static final ZoneKey KEY = TestKeys.ecdsa(ZONE);
    static final String MADRID = "10.2.3.0/24";     // london, then frankfurt
    static final String SYDNEY = "10.1.2.0/24";     // singapore
    static final String MUNICH = "10.4.5.0/24";     // frankfurt

    @TempDir
    static Path dir;
    static Zones.Sources sources;
    static GeoDatabase cities;
    static final AtomicLong made = new AtomicLong();
    static Signatures signatures;

    @BeforeAll
    static void load() throws IOException {
        Dns.write(dir, "zones/example.com.zone", GeoAnswersWorld.ZONE);
        Dns.write(dir, "zones/example.net.zone", GeoAnswersWorld.OTHER_ZONE);
        Dns.write(dir, "zones/geo.yaml", GeoAnswersWorld.GEO);
        Zones.Read read = Zones.read(dir.resolve("zones"));
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        sources = read.sources();
        cities = GeoDatabase.open(GeoAnswersWorld.cities().write(dir.resolve("city.mmdb")));
        signatures = new Signatures(Map.of(ZONE, TestKeys.signing(ZONE, KEY)), Clock.systemUTC(),
                made::incrementAndGet);
    }

    @AfterAll
    static void close() throws IOException {
        cities.close();
    }

    static Dns serving(HealthView health) {
        Metrics metrics = new Metrics();
        return new Dns(Zones.compile(sources, Zones.routing(sources, cities, metrics), health, metrics,
                HeapBudget.unlimited(), signatures));
    }

    static Message ask(Dns dns, String name, int type, String subnet, boolean dnssecOk) {
        Message query = Dns.queryWithClientSubnet(name, type, subnet);
        if (dnssecOk) {
            OPTRecord opt = query.getOPT();
            query.removeAllRecords(Section.ADDITIONAL);
            query.addRecord(new OPTRecord(opt.getPayloadSize(), 0, 0, ExtendedFlags.DO, opt.getOptions()),
                    Section.ADDITIONAL);
        }
        return dns.ask(query, GeoAnswersWorld.RESOLVER);
    }

    @Test
    void eachLocationsAnswerIsSignedAndCarriesTheSameNodesAsWithoutDo() {
        Dns dns = serving(HealthView.allUp());
        for (String subnet : List.of(MADRID, SYDNEY, MUNICH)) {
            for (int type : new int[] {Type.A, Type.AAAA}) {
                Message signed = ask(dns, "app.example.com", type, subnet, true);
                Message plain = ask(dns, "app.example.com", type, subnet, false);
                assertEquals(Rcode.NOERROR, signed.getRcode());
                assertEquals(List.of("app.example.com. " + Type.string(type)), verifyAll(signed,
                        List.of(KEY.dnskey())), subnet);
                assertEquals(GeoAnswersWorld.addresses(plain, type), GeoAnswersWorld.addresses(signed, type));
                assertEquals(GeoAnswersWorld.scope(plain), GeoAnswersWorld.scope(signed), "ECS as without DO");
            }
        }
    }

    @Test
    void cnameChainToAGeoNameIsSignedHopByHop() {
        Message m = ask(serving(HealthView.allUp()), "alias2.example.com", Type.A, SYDNEY, true);
        assertEquals(List.of("alias2.example.com. CNAME", "alias.example.com. CNAME", "app.example.com. A"),
                verifyAll(m, List.of(KEY.dnskey())));
        assertEquals(GeoAnswersWorld.SINGAPORE, GeoAnswersWorld.a(m));
    }

    @Test
    void geoNameWithoutAddressesOfAFamilyProvesNodata() {
        Message m = ask(serving(HealthView.allUp()), "v4.example.com", Type.AAAA, MADRID, true);
        assertEquals(0, m.getSection(Section.ANSWER).size());
        verifyAll(m, List.of(KEY.dnskey()));
        assertNoType(m, "v4.example.com.", Type.AAAA);
    }

    @Test
    void everyRotationOfACappedLocationIsSigned() {
        Dns dns = serving(HealthView.allUp());
        java.util.Set<java.util.Set<String>> seen = new java.util.HashSet<>();
        for (int i = 0; i < 60 && seen.size() < 3; i++) {
            Message m = ask(dns, "capped.example.com", Type.A, MADRID, true);
            verifyAll(m, List.of(KEY.dnskey()));
            seen.add(GeoAnswersWorld.a(m));
        }
        assertEquals(3, seen.size(), "three rotations of two of london's three nodes");
    }

    @Test
    void healthChangeSignsOnlyTheNewAnswersAndTheyVerify() {
        serving(HealthView.allUp());
        long before = made.get();
        serving(HealthView.allUp());
        assertEquals(before, made.get(), "the same view again: every signature is reused");
        Dns dns = serving(HealthAnswersTest.down("lon-1"));
        // London's new sets, A and AAAA, of the four names that answer from it with all its nodes (app, tuned,
        // fallback, ent), and capped's AAAA; capped's A (lon-2, lon-3) was one of its rotations already.
        assertEquals(9, made.get() - before);
        Message m = ask(dns, "app.example.com", Type.A, MADRID, true);
        verifyAll(m, List.of(KEY.dnskey()));
        assertEquals(java.util.Set.of("192.0.2.12", "192.0.2.13"), GeoAnswersWorld.a(m));
    }

    @Test
    void failOpenAnswerIsSigned() {
        Dns dns = serving(HealthAnswersTest.down(HealthAnswersTest.ALL_NODES.toArray(String[]::new)));
        Message m = ask(dns, "app.example.com", Type.A, SYDNEY, true);
        verifyAll(m, List.of(KEY.dnskey()));
        assertEquals(GeoAnswersWorld.SINGAPORE, GeoAnswersWorld.a(m));
    }
}
