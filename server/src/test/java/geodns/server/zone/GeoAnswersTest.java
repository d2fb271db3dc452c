package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.geoip.GeoDatabase;
import geodns.geoip.testing.MmdbWriter;
import geodns.server.health.HealthView;
import geodns.server.testing.Dns;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Geo names answered end to end below the transport: zones folder -> {@link Zones#read} -> {@link Zones#compile}
 * with a City database the test writes -> Answerer, with the client given by ECS or by the source address.
 */
class GeoAnswersTest {
    static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @      IN SOA ns admin 1 7200 900 1209600 300
            @      IN NS  ns
            ns     IN A   192.0.2.1
            www    IN A   192.0.2.2
            alias  IN CNAME app
            alias2 IN CNAME alias
            x.ent  IN A   192.0.2.99
            """;

    static final String OTHER_ZONE = """
            $ORIGIN example.net.
            $TTL 300
            @      IN SOA ns.example.com. admin 1 7200 900 1209600 300
            @      IN NS  ns.example.com.
            """;

    static final String GEO = """
            locations:
              london:
                coordinates: [51.507, -0.128]
                nodes:
                  lon-1: { ipv4: 192.0.2.11, ipv6: "2001:db8:10::11" }
                  lon-2: { ipv4: 192.0.2.12, ipv6: "2001:db8:10::12" }
                  lon-3: { ipv4: 192.0.2.13 }
              frankfurt:
                coordinates: [50.110, 8.682]
                nodes:
                  fra-1: { ipv4: 192.0.2.21 }
                  fra-2: { ipv4: 192.0.2.22 }
              seattle:
                coordinates: [47.606, -122.332]
                nodes:
                  sea-1: { ipv4: 192.0.2.31, ipv6: "2001:db8:30::31" }
                  sea-2: { ipv4: 192.0.2.32, ipv6: "2001:db8:30::32" }
              singapore:
                coordinates: [1.352, 103.820]
                nodes:
                  sin-1: { ipv4: 192.0.2.41, ipv6: "2001:db8:40::41" }
                  sin-2: { ipv4: 192.0.2.42, ipv6: "2001:db8:40::42" }
            names:
              app.example.com:
                ttl: 45
              v4.example.com:
                locations: [frankfurt]
              tuned.example.com:
                continents: { OC: [seattle] }
                countries: { US: [singapore], IE: [frankfurt] }
                subdivisions: { US-NY: [london] }
              fallback.example.com:
                unknown: [frankfurt, seattle]
              capped.example.com:
                locations: [london]
                max-answers: 2
              ent.example.com:
                locations: [london]
              app.example.net:
                locations: [singapore, seattle]
                unknown: [seattle]
            """;

    static final Set<String> LONDON = Set.of("192.0.2.11", "192.0.2.12", "192.0.2.13");
    static final Set<String> LONDON_V6 = v6("2001:db8:10::11", "2001:db8:10::12");
    static final Set<String> FRANKFURT = Set.of("192.0.2.21", "192.0.2.22");
    static final Set<String> SEATTLE = Set.of("192.0.2.31", "192.0.2.32");
    static final Set<String> SINGAPORE = Set.of("192.0.2.41", "192.0.2.42");
    static final Set<String> SINGAPORE_V6 = v6("2001:db8:40::41", "2001:db8:40::42");

    /** IPv6 addresses as {@link #addresses} gives them. */
    static Set<String> v6(String... literals) {
        Set<String> out = new HashSet<>();
        for (String literal : literals) {
            out.add(Dns.address(literal).getHostAddress());
        }
        return Set.copyOf(out);
    }

    /** A resolver GeoIP does not place, so any placement a test sees comes from the client subnet. */
    static final InetAddress RESOLVER = Dns.address("192.0.2.53");

    @TempDir
    static Path dir;
    static Zones.Sources sources;
    static GeoDatabase cities;
    static Dns dns;

    /** Test clients: cities on five continents, some nested, IPv4 and IPv6. */
    static MmdbWriter cities() {
        return new MmdbWriter("GeoLite2-City")
                .add("10.1.0.0/16", MmdbWriter.city(-33.87, 151.21, "AU", "OC", "NSW"))    // Sydney
                .add("10.2.0.0/16", MmdbWriter.city(40.42, -3.70, "ES", "EU", "MD"))       // Madrid
                .add("10.3.0.0/16", MmdbWriter.city(40.71, -74.01, "US", "NA", "NY"))      // New York
                .add("10.4.0.0/16", MmdbWriter.city(48.14, 11.58, "DE", "EU", "BY"))       // Munich
                .add("10.5.0.0/16", MmdbWriter.city(34.05, -118.24, "US", "NA", "CA"))     // Los Angeles
                .add("10.6.7.0/24", MmdbWriter.city(35.68, 139.65, "JP", "AS", "13"))      // Tokyo
                .add("10.6.8.0/28", MmdbWriter.city(19.08, 72.88, "IN", "AS", "MH"))       // Mumbai
                .add("10.7.0.0/16", MmdbWriter.city(40.42, -3.70, "ES", "EU", "MD"))       // Madrid...
                .add("10.7.1.0/24", MmdbWriter.city(35.68, 139.65, "JP", "AS", "13"))      // ...with Tokyo inside
                .add("10.8.0.0/16", MmdbWriter.city(-23.55, -46.63, "BR", "SA", "SP"))     // Sao Paulo
                .add("10.9.0.0/16", MmdbWriter.city(53.35, -6.26, "IE", "EU", "L"))        // Dublin
                .add("2001:db8:1::/48", MmdbWriter.city(35.68, 139.65, "JP", "AS", "13"))  // Tokyo
                .add("2001:db8:2::/48", MmdbWriter.city(40.42, -3.70, "ES", "EU", "MD"))   // Madrid
                .add("2001:db8:3:3400::/60", MmdbWriter.city(-33.87, 151.21, "AU", "OC", "NSW"));  // Sydney
    }

    @BeforeAll
    static void load() throws IOException {
        Dns.write(dir, "zones/example.com.zone", ZONE);
        Dns.write(dir, "zones/example.net.zone", OTHER_ZONE);
        Dns.write(dir, "zones/geo.yaml", GEO);
        Zones.Read read = Zones.read(dir.resolve("zones"));
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        sources = read.sources();
        cities = GeoDatabase.open(cities().write(dir.resolve("city.mmdb")));
        dns = new Dns(compile(sources, cities, HealthView.allUp()));
    }

    @AfterAll
    static void close() throws IOException {
        cities.close();
    }

    // ---- helpers ----

    /** {@link Zones#compile} for a database and health view; the one place its signature is written. */
    static geodns.server.answer.Snapshot compile(Zones.Sources sources, GeoDatabase database, HealthView health) {
        return Zones.compile(sources, database, health);
    }

    static Message viaSubnet(String name, int type, String cidr) {
        return dns.ask(Dns.queryWithClientSubnet(name, type, cidr), RESOLVER);
    }

    static Message from(String source, String name, int type) {
        return dns.ask(Dns.query(name, type, DClass.IN), Dns.address(source));
    }

    /** The addresses of the answer section's records of {@code type}. */
    static Set<String> addresses(Message reply, int type) {
        Set<String> out = new HashSet<>();
        for (Record r : reply.getSection(Section.ANSWER)) {
            if (r.getType() == type) {
                out.add(Dns.address(r.rdataToString()).getHostAddress());
            }
        }
        return out;
    }

    static Set<String> a(Message reply) {
        return addresses(reply, Type.A);
    }

    static int scope(Message reply) {
        ClientSubnetOption ecs = Dns.clientSubnet(reply);
        assertNotNull(ecs, "the reply echoes the client subnet");
        return ecs.getScopePrefixLength();
    }

    static void assertNodata(Message reply) {
        assertEquals(Rcode.NOERROR, reply.getRcode());
        assertTrue(reply.getHeader().getFlag(Flags.AA));
        assertEquals(List.of(), reply.getSection(Section.ANSWER));
        List<Record> authority = reply.getSection(Section.AUTHORITY);
        assertEquals(1, authority.size(), () -> "authority: " + authority);
        assertEquals(Type.SOA, authority.get(0).getType());
    }

    // ---- choosing by client ----

    @ParameterizedTest(name = "{0} client {1} gets {2}")
    @CsvSource({
        "Sydney,      10.1.2.0/24,        singapore",
        "Madrid,      10.2.3.0/24,        london",
        "New York,    10.3.4.0/24,        seattle",
        "Munich,      10.4.5.0/24,        frankfurt",
        "Los Angeles, 10.5.6.0/24,        seattle",
        "Tokyo,       10.6.7.0/24,        singapore",
        "Mumbai,      10.6.8.0/24,        singapore",
        "Sao Paulo,   10.8.1.0/24,        london",
        "Dublin,      10.9.1.0/24,        london",
        "Tokyo v6,    2001:db8:1:200::/56, singapore",
        "Madrid v6,   2001:db8:2::/56,    london",
    })
    void nearestLocationIsChosenByClientSubnet(String city, String subnet, String location) {
        Message reply = viaSubnet("app.example.com", Type.A, subnet);
        assertEquals(Rcode.NOERROR, reply.getRcode());
        assertEquals(nodes(location), a(reply), city);
    }

    static Set<String> nodes(String location) {
        return switch (location) {
            case "london" -> LONDON;
            case "frankfurt" -> FRANKFURT;
            case "seattle" -> SEATTLE;
            case "singapore" -> SINGAPORE;
            default -> throw new IllegalArgumentException(location);
        };
    }

    @Test
    void clientSubnetBeatsTheSourceAddress() {
        Message reply = dns.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"),
                Dns.address("10.3.0.53"));
        assertEquals(SINGAPORE, a(reply), "Sydney's subnet, though the resolver is in New York");
    }

    @Test
    void sourceAddressIsUsedWithoutClientSubnet() {
        assertEquals(SINGAPORE, a(from("10.1.1.1", "app.example.com", Type.A)));
        assertEquals(SEATTLE, a(from("10.3.1.1", "app.example.com", Type.A)));
        assertEquals(FRANKFURT, a(from("10.4.1.1", "app.example.com", Type.A)));
    }

    @Test
    void ipv6SourceAddressIsUsedWithoutClientSubnet() {
        assertEquals(SINGAPORE, a(from("2001:db8:1:2::99", "app.example.com", Type.A)));
    }

    @Test
    void ipv4MappedIpv6SourceCountsAsItsIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(Dns.address("10.1.1.1").getAddress(), 0, mapped, 12, 4);
        InetAddress dualStackSender = java.net.Inet6Address.getByAddress(null, mapped, -1);
        Message reply = dns.ask(Dns.query("app.example.com", Type.A, DClass.IN), dualStackSender);
        assertEquals(SINGAPORE, a(reply), "Sydney, as 10.1.1.1");
    }

    @Test
    void ednsWithoutClientSubnetUsesTheSourceAddressAndEchoesNoSubnet() {
        Message query = Dns.query("app.example.com", Type.A, DClass.IN);
        query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        Message reply = dns.ask(query, Dns.address("10.1.1.1"));
        assertEquals(SINGAPORE, a(reply));
        assertNotNull(reply.getOPT());
        assertNull(Dns.clientSubnet(reply));
    }

    @Test
    void clientSubnetWithSourcePrefixZeroUsesTheSourceAddressAndEchoesScopeZero() {
        Message reply = dns.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "0.0.0.0/0"),
                Dns.address("10.1.1.1"));
        assertEquals(SINGAPORE, a(reply), "placed by the source address, in Sydney");
        ClientSubnetOption ecs = Dns.clientSubnet(reply);
        assertEquals(0, ecs.getSourcePrefixLength());
        assertEquals(0, ecs.getScopePrefixLength());
    }

    @Test
    void unknownClientGetsTheUnknownOrder() {
        assertEquals(FRANKFURT, a(viaSubnet("fallback.example.com", Type.A, "10.99.0.0/24")));
        assertEquals(FRANKFURT, a(from("192.0.2.200", "fallback.example.com", Type.A)));
    }

    @Test
    void unknownClientOfANameWithoutAnUnknownOrderGetsItsFirstListedLocation() {
        assertEquals(LONDON, a(viaSubnet("app.example.com", Type.A, "10.99.0.0/24")));
    }

    @Test
    void placedClientOfANameWithAnUnknownOrderStillGetsTheNearest() {
        assertEquals(SINGAPORE, a(viaSubnet("fallback.example.com", Type.A, "10.1.2.0/24")));
    }

    // ---- overrides ----

    @Test
    void continentOverrideBeatsDistance() {
        assertEquals(SEATTLE, a(viaSubnet("tuned.example.com", Type.A, "10.1.2.0/24")), "Sydney is in OC");
    }

    @Test
    void countryOverrideBeatsDistance() {
        assertEquals(FRANKFURT, a(viaSubnet("tuned.example.com", Type.A, "10.9.1.0/24")), "Dublin is in IE");
    }

    @Test
    void countryOverrideAppliesWhereNoSubdivisionOverrideDoes() {
        assertEquals(SINGAPORE, a(viaSubnet("tuned.example.com", Type.A, "10.5.6.0/24")), "Los Angeles is US-CA");
    }

    @Test
    void subdivisionOverrideBeatsCountryOverride() {
        assertEquals(LONDON, a(viaSubnet("tuned.example.com", Type.A, "10.3.4.0/24")), "New York is US-NY");
    }

    @Test
    void clientsNoOverrideMatchesGetTheNearest() {
        assertEquals(FRANKFURT, a(viaSubnet("tuned.example.com", Type.A, "10.4.5.0/24")), "Munich");
        assertEquals(SINGAPORE, a(viaSubnet("tuned.example.com", Type.A, "10.6.7.0/24")), "Tokyo");
    }

    // ---- ECS scope ----

    @Test
    void scopeIsTheGeoIpNetworksPrefix() {
        Message reply = viaSubnet("app.example.com", Type.A, "10.1.2.0/24");
        assertEquals(16, scope(reply));
    }

    @Test
    void scopeOfANetworkLongerThan24IsCappedAt24() {
        Message reply = viaSubnet("app.example.com", Type.A, "10.6.8.1/32");
        assertEquals(SINGAPORE, a(reply), "Mumbai");
        assertEquals(24, scope(reply));
    }

    @Test
    void scopeOfA24NetworkIs24() {
        assertEquals(24, scope(viaSubnet("app.example.com", Type.A, "10.6.7.0/24")));
    }

    @Test
    void ipv6ScopeIsTheGeoIpNetworksPrefix() {
        Message reply = viaSubnet("app.example.com", Type.A, "2001:db8:1:200::/56");
        assertEquals(48, scope(reply));
    }

    @Test
    void ipv6ScopeOfANetworkLongerThan56IsCappedAt56() {
        Message reply = viaSubnet("app.example.com", Type.A, "2001:db8:3:3400::/64");
        assertEquals(SINGAPORE, a(reply), "Sydney");
        assertEquals(56, scope(reply));
    }

    @Test
    void scopeIsLongerThanTheSourcePrefixWhenTheNetworkIsMoreSpecific() {
        Message reply = viaSubnet("app.example.com", Type.A, "10.7.0.0/16");
        assertEquals(LONDON, a(reply), "10.7.0.0 is in Madrid");
        assertEquals(24, scope(reply));
    }

    @Test
    void echoRepeatsFamilySourcePrefixAndAddress() {
        ClientSubnetOption ecs = Dns.clientSubnet(viaSubnet("app.example.com", Type.A, "2001:db8:1:200::/56"));
        assertEquals(2, ecs.getFamily());
        assertEquals(56, ecs.getSourcePrefixLength());
        assertEquals(Dns.address("2001:db8:1:200::"), ecs.getAddress());
    }

    @Test
    void staticNameEchoesScopeZero() {
        Message reply = viaSubnet("www.example.com", Type.A, "10.1.2.0/24");
        assertEquals(Set.of("192.0.2.2"), a(reply));
        assertEquals(0, scope(reply));
        assertEquals(24, Dns.clientSubnet(reply).getSourcePrefixLength());
    }

    @Test
    void nxdomainEchoesScopeZero() {
        Message reply = viaSubnet("nothing.example.com", Type.A, "10.1.2.0/24");
        assertEquals(Rcode.NXDOMAIN, reply.getRcode());
        assertEquals(0, scope(reply));
    }

    @Test
    void geoNamesOtherTypeEchoesScopeZero() {
        assertEquals(0, scope(viaSubnet("app.example.com", Type.MX, "10.1.2.0/24")));
    }

    @Test
    void staticNameAfterAGeoNameEchoesScopeZero() {
        assertEquals(16, scope(viaSubnet("app.example.com", Type.A, "10.1.2.0/24")));
        assertEquals(0, scope(viaSubnet("www.example.com", Type.A, "10.1.2.0/24")), "nothing left from the query before");
    }

    // ---- families ----

    @Test
    void aaaaComesFromTheNearestLocation() {
        Message reply = viaSubnet("app.example.com", Type.AAAA, "10.1.2.0/24");
        assertEquals(SINGAPORE_V6, addresses(reply, Type.AAAA));
        assertEquals(16, scope(reply));
    }

    @Test
    void aaaaCarriesOnlyTheNodesThatHaveIpv6() {
        assertEquals(LONDON_V6, addresses(viaSubnet("app.example.com", Type.AAAA, "10.2.3.0/24"), Type.AAAA));
    }

    @Test
    void aaaaSkipsTheNearestLocationWhenItHasNoIpv6() {
        assertEquals(FRANKFURT, a(viaSubnet("app.example.com", Type.A, "10.4.5.0/24")), "Munich's A: frankfurt");
        assertEquals(LONDON_V6, addresses(viaSubnet("app.example.com", Type.AAAA, "10.4.5.0/24"), Type.AAAA),
                "Munich's AAAA: frankfurt has none, london is next");
    }

    @Test
    void aaaaIsNodataWhenNoLocationHasIpv6() {
        Message reply = viaSubnet("v4.example.com", Type.AAAA, "10.4.5.0/24");
        assertNodata(reply);
        assertEquals(FRANKFURT, a(viaSubnet("v4.example.com", Type.A, "10.4.5.0/24")));
    }

    @Test
    void aaaaForAnIpv6ClientSubnet() {
        assertEquals(SINGAPORE_V6, addresses(viaSubnet("app.example.com", Type.AAAA, "2001:db8:1:200::/56"),
                Type.AAAA));
    }

    // ---- the shape of geo answers ----

    @Test
    void geoAnswerIsAuthoritativeWithTheConfiguredTtl() {
        Message reply = viaSubnet("app.example.com", Type.A, "10.1.2.0/24");
        assertTrue(reply.getHeader().getFlag(Flags.AA));
        assertTrue(reply.getSection(Section.ANSWER).stream().allMatch(r -> r.getTTL() == 45));
        assertTrue(viaSubnet("v4.example.com", Type.A, "10.1.2.0/24").getSection(Section.ANSWER).stream()
                .allMatch(r -> r.getTTL() == 30), "the default TTL is 30");
    }

    @Test
    void maxAnswersCapsTheAnswer() {
        for (int i = 0; i < 20; i++) {
            Message reply = viaSubnet("capped.example.com", Type.A, "10.2.3.0/24");
            assertEquals(2, reply.getSection(Section.ANSWER).size());
            assertTrue(LONDON.containsAll(a(reply)));
            assertEquals(2, a(reply).size(), "two different nodes");
        }
    }

    @Test
    void maxAnswersRotatesSoEveryNodeIsAnswered() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200 && !seen.equals(LONDON); i++) {
            seen.addAll(a(viaSubnet("capped.example.com", Type.A, "10.2.3.0/24")));
        }
        assertEquals(LONDON, seen);
    }

    @Test
    void withoutACapEveryNodeOfTheLocationIsAnswered() {
        assertEquals(3, viaSubnet("app.example.com", Type.A, "10.2.3.0/24").getSection(Section.ANSWER).size());
    }

    @Test
    void cnameToAGeoNameAnswersTheCnameAndTheNearestAddresses() {
        Message reply = viaSubnet("alias.example.com", Type.A, "10.1.2.0/24");
        assertEquals(Rcode.NOERROR, reply.getRcode());
        List<Record> answer = reply.getSection(Section.ANSWER);
        assertEquals(Type.CNAME, answer.get(0).getType());
        assertEquals("alias.example.com.", answer.get(0).getName().toString());
        assertEquals("app.example.com.", answer.get(0).rdataToString());
        assertEquals(SINGAPORE, a(reply));
        assertTrue(answer.stream().skip(1).allMatch(r -> r.getName().toString().equals("app.example.com.")));
        assertEquals(16, scope(reply));
    }

    @Test
    void cnameToAGeoNameFollowsTheClient() {
        assertEquals(SEATTLE, a(viaSubnet("alias.example.com", Type.A, "10.3.4.0/24")));
        assertEquals(LONDON_V6, addresses(viaSubnet("alias.example.com", Type.AAAA, "10.2.3.0/24"), Type.AAAA));
    }

    @Test
    void cnameChainToAGeoNameAnswersEveryCnameAndTheNearestAddresses() {
        Message reply = viaSubnet("alias2.example.com", Type.A, "10.1.2.0/24");
        List<Record> answer = reply.getSection(Section.ANSWER);
        assertEquals(List.of(Type.CNAME, Type.CNAME), answer.stream().limit(2).map(Record::getType).toList());
        assertEquals(SINGAPORE, a(reply));
    }

    @Test
    void cnameToAGeoNameAskedForAnotherTypeIsTheCnameAndNodata() {
        Message reply = viaSubnet("alias.example.com", Type.MX, "10.1.2.0/24");
        assertEquals(Rcode.NOERROR, reply.getRcode());
        assertEquals(List.of(Type.CNAME), reply.getSection(Section.ANSWER).stream().map(Record::getType).toList());
        assertEquals(Type.SOA, reply.getSection(Section.AUTHORITY).get(0).getType());
    }

    @Test
    void geoNamesOtherTypesAreNodataWithSoa() {
        assertNodata(viaSubnet("app.example.com", Type.MX, "10.1.2.0/24"));
        assertNodata(viaSubnet("app.example.com", Type.TXT, "10.1.2.0/24"));
    }

    @Test
    void namesBelowAGeoNameAreNxdomain() {
        Message reply = viaSubnet("x.app.example.com", Type.A, "10.1.2.0/24");
        assertEquals(Rcode.NXDOMAIN, reply.getRcode());
        assertEquals(Type.SOA, reply.getSection(Section.AUTHORITY).get(0).getType());
    }

    @Test
    void anyAtAGeoNameAnswersTheNearestAddresses() {
        assertEquals(SINGAPORE, a(viaSubnet("app.example.com", Type.ANY, "10.1.2.0/24")));
    }

    @Test
    void geoNameMatchesCaseInsensitively() {
        assertEquals(SINGAPORE, a(viaSubnet("APP.Example.COM", Type.A, "10.1.2.0/24")));
    }

    @Test
    void geoNameInAnotherZoneFollowsItsOwnLocationsAndOrder() {
        assertEquals(SEATTLE, a(viaSubnet("app.example.net", Type.A, "10.2.3.0/24")), "Madrid: seattle is nearer");
        assertEquals(SINGAPORE, a(viaSubnet("app.example.net", Type.A, "10.1.2.0/24")), "Sydney");
        assertEquals(SEATTLE, a(viaSubnet("app.example.net", Type.A, "10.99.0.0/24")), "unknown: seattle first");
    }

    @Test
    void geoNameAboveZoneDataKeepsTheDataBelowIt() {
        assertEquals(LONDON, a(viaSubnet("ent.example.com", Type.A, "10.1.2.0/24")), "ent spans london only");
        assertEquals(Set.of("192.0.2.99"), a(viaSubnet("x.ent.example.com", Type.A, "10.1.2.0/24")));
        assertEquals(Rcode.NXDOMAIN, viaSubnet("y.ent.example.com", Type.A, "10.1.2.0/24").getRcode());
    }

    // ---- snapshots ----

    @Test
    void withoutADatabaseEveryClientGetsTheDefaultOrder() {
        Dns unplaced = new Dns(compile(sources, null, HealthView.allUp()));
        Message reply = unplaced.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"), RESOLVER);
        assertEquals(LONDON, a(reply));
        assertEquals(0, scope(reply));
        assertEquals(FRANKFURT, a(unplaced.ask(Dns.queryWithClientSubnet("fallback.example.com", Type.A,
                "10.1.2.0/24"), RESOLVER)));
    }

    @Test
    void newSnapshotWithAnotherDatabaseDecidesAgain() throws IOException {
        Dns before = new Dns(compile(sources, cities, HealthView.allUp()));
        assertEquals(SINGAPORE, a(before.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"),
                RESOLVER)), "cached in the first snapshot: Sydney");

        Path moved = new MmdbWriter("GeoLite2-City")
                .add("10.1.0.0/16", MmdbWriter.city(40.42, -3.70, "ES", "EU", "MD"))   // now Madrid
                .write(dir.resolve("moved.mmdb"));
        try (GeoDatabase movedDb = GeoDatabase.open(moved)) {
            Dns after = new Dns(compile(sources, movedDb, HealthView.allUp()));
            assertEquals(LONDON, a(after.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"),
                    RESOLVER)), "the new snapshot uses the new DB, not the old snapshot's decision");
            assertEquals(SINGAPORE, a(before.ask(Dns.queryWithClientSubnet("app.example.com", Type.A,
                    "10.1.2.0/24"), RESOLVER)), "the old snapshot is unchanged");
        }
    }

    @Test
    void decisionsAreCachedPerSubnetNotPerName() {
        // The same subnet asked for different geo names: each name gets its own ranking.
        assertEquals(SINGAPORE, a(viaSubnet("app.example.com", Type.A, "10.1.2.0/24")));
        assertEquals(SEATTLE, a(viaSubnet("tuned.example.com", Type.A, "10.1.2.0/24")));
        assertEquals(SINGAPORE, a(viaSubnet("app.example.com", Type.A, "10.1.2.0/24")));
    }

    @Test
    void neighbouringSubnetsInDifferentNetworksAreNotConfused() {
        assertEquals(LONDON, a(viaSubnet("app.example.com", Type.A, "10.7.0.0/24")), "Madrid");
        assertEquals(SINGAPORE, a(viaSubnet("app.example.com", Type.A, "10.7.1.0/24")), "Tokyo");
        assertEquals(LONDON, a(viaSubnet("app.example.com", Type.A, "10.7.2.0/24")), "Madrid");
    }

    /** A snapshot with its own routing (an empty decision cache) counting into {@code metrics}. */
    static Dns freshDns(geodns.server.metrics.Metrics metrics) {
        geodns.server.route.Routing routing = Zones.routing(sources, cities, metrics);
        return new Dns(Zones.compile(sources, routing, HealthView.allUp(), metrics));
    }

    static Message viaSubnet(Dns server, String cidr) {
        return server.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, cidr), RESOLVER);
    }

    static void assertGeoIpLookups(geodns.server.metrics.Metrics metrics, int lookups, int cached) {
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("geodns_geoip_cache_total{result=\"miss\",} " + lookups + ".0")
                && scrape.contains("geodns_geoip_cache_total{result=\"hit\",} " + cached + ".0"), scrape);
    }

    @Test
    void theGroupsOfANetworkOf16OrWiderShareOneGeoIpLookup() {
        geodns.server.metrics.Metrics metrics = new geodns.server.metrics.Metrics();
        Dns server = freshDns(metrics);
        assertEquals(SINGAPORE, a(viaSubnet(server, "10.1.2.0/24")), "Sydney");
        assertEquals(SINGAPORE, a(viaSubnet(server, "10.1.3.0/24")), "Sydney");
        assertEquals(16, scope(viaSubnet(server, "10.1.200.0/24")));
        assertGeoIpLookups(metrics, 1, 2);
    }

    @Test
    void theGroupsOfABlockSplitBetweenNetworksAreLookedUpEach() {
        geodns.server.metrics.Metrics metrics = new geodns.server.metrics.Metrics();
        Dns server = freshDns(metrics);
        assertEquals(LONDON, a(viaSubnet(server, "10.7.0.0/24")), "Madrid");
        assertEquals(SINGAPORE, a(viaSubnet(server, "10.7.1.0/24")), "Tokyo");
        assertEquals(LONDON, a(viaSubnet(server, "10.7.0.0/24")), "Madrid");
        assertGeoIpLookups(metrics, 2, 1);
    }

    @Test
    void aHealthChangeKeepsTheDecisionCacheOfTheDatabaseAndConfig() {
        geodns.server.metrics.Metrics metrics = new geodns.server.metrics.Metrics();
        geodns.server.route.Routing routing = Zones.routing(sources, cities, metrics);
        Dns before = new Dns(Zones.compile(sources, routing, HealthView.allUp(), metrics));
        before.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"), RESOLVER);
        HealthView changed = new HealthView(java.util.Map.of("unrelated-node",
                new geodns.server.health.NodeHealth(false, "timeout", 1, null, java.time.Instant.now(), 3, false)));
        Dns after = new Dns(Zones.compile(sources, routing, changed, metrics));
        after.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"), RESOLVER);
        assertTrue(metrics.scrape().contains("geodns_geoip_cache_total{result=\"hit\",} 1.0"),
                () -> "the second snapshot reuses the first one's decision:\n" + metrics.scrape());
    }
}
