package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The zones, geo.yaml and City database of the geo answer tests, loaded once per test class: zones folder ->
 * {@link Zones#read} -> {@link Zones#compile} with a City database the test writes -> Answerer; and how the tests
 * ask (by ECS or by the source address) and read the answers.
 */
abstract class GeoAnswersWorld {
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

    static Set<String> nodes(String location) {
        return switch (location) {
            case "london" -> LONDON;
            case "frankfurt" -> FRANKFURT;
            case "seattle" -> SEATTLE;
            case "singapore" -> SINGAPORE;
            default -> throw new IllegalArgumentException(location);
        };
    }
}
