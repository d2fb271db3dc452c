package geodns.e2e.support;

import geodns.geoip.testing.MmdbWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The world the geo tests live in: the example cluster's four locations (with real coordinates), client cities on
 * every continent, the GeoIP test database that places them, and a zones folder (the example zone without its
 * static {@code app} records, plus a geo.yaml).
 *
 * <p>Every city owns the loopback network 127.N.0.0/16 in the test database, so a client "in" that city is either
 * an ECS subnet inside it or a query sent from a source address inside it ({@code dig -b 127.N.0.9}): all of
 * 127.0.0.0/8 is local on Linux.
 */
public final class GeoWorld {
    private GeoWorld() {
    }

    // ------------------------------------------------------------------------------------------ locations

    public record Node(String name, String ipv4, String ipv6) {
    }

    public record Location(String name, double latitude, double longitude, List<Node> nodes) {
        public Set<String> ipv4() {
            return nodes.stream().map(Node::ipv4).filter(a -> a != null).collect(Collectors.toSet());
        }

        public Set<String> ipv6() {
            return nodes.stream().map(Node::ipv6).filter(a -> a != null).collect(Collectors.toSet());
        }

        /** The addresses a query of {@code type} (A or AAAA) answered from here carries. */
        public Set<String> addresses(String type) {
            return type.equals("AAAA") ? ipv6() : ipv4();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Three nodes, so that a capped answer (max-answers 2) has something to rotate. */
    public static final Location LONDON = new Location("london", 51.507, -0.128, List.of(
            new Node("lon-1", "192.0.2.11", "2001:db8:10::11"),
            new Node("lon-2", "192.0.2.12", "2001:db8:10::12"),
            new Node("lon-3", "192.0.2.13", "2001:db8:10::13")));
    public static final Location FRANKFURT = new Location("frankfurt", 50.110, 8.682, List.of(
            new Node("fra-1", "192.0.2.21", "2001:db8:20::21"),
            new Node("fra-2", "192.0.2.22", "2001:db8:20::22")));
    public static final Location SEATTLE = new Location("seattle", 47.606, -122.332, List.of(
            new Node("sea-1", "198.51.100.31", "2001:db8:30::31"),
            new Node("sea-2", "198.51.100.32", "2001:db8:30::32")));
    /** IPv4 only: AAAA answers for its clients must come from the nearest location that has IPv6. */
    public static final Location SINGAPORE = new Location("singapore", 1.352, 103.820, List.of(
            new Node("sin-1", "203.0.113.41", null),
            new Node("sin-2", "203.0.113.42", null)));
    public static final List<Location> LOCATIONS = List.of(LONDON, FRANKFURT, SEATTLE, SINGAPORE);

    /** The location whose nodes are exactly {@code addresses}, or null when no location's are. */
    public static Location locationWithExactly(Set<String> addresses, String type) {
        for (Location l : LOCATIONS) {
            if (l.addresses(type).equals(addresses)) {
                return l;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ cities

    /**
     * A client city and the location that is nearest by great-circle distance (computed from the coordinates
     * here and in {@link #LOCATIONS}; the margin to the runner-up is in the comment of each).
     */
    public record City(String name, int octet, double latitude, double longitude, String country,
                       String continent, String subdivision, Location nearest) {
        /** The city's network in the test database. */
        public String network() {
            return "127." + octet + ".0.0/16";
        }

        /** A /24 inside the city's network, as a resolver sends it in ECS. */
        public String subnet() {
            return "127." + octet + ".1.0/24";
        }

        /** An address inside the city's network for {@code dig -b}. */
        public InetAddress source() {
            return address("127." + octet + ".0.9");
        }

        /** True when the nearest location is in another country than the client. */
        public boolean abroad() {
            String locationCountry = switch (nearest.name()) {
                case "london" -> "GB";
                case "frankfurt" -> "DE";
                case "seattle" -> "US";
                default -> "SG";
            };
            return !locationCountry.equals(country);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    // nearest (km), runner-up (km)
    public static final City SYDNEY = new City("Sydney", 1, -33.87, 151.21, "AU", "OC", "NSW", SINGAPORE);         // 6306, seattle 12470
    public static final City MADRID = new City("Madrid", 2, 40.42, -3.70, "ES", "EU", "MD", LONDON);               // 1263, frankfurt 1445
    public static final City NEW_YORK = new City("New York", 3, 40.71, -74.01, "US", "NA", "NY", SEATTLE);         // 3865, london 5571
    public static final City TOKYO = new City("Tokyo", 4, 35.69, 139.69, "JP", "AS", "13", SINGAPORE);            // 5315, seattle 7696
    public static final City SAO_PAULO = new City("São Paulo", 5, -23.55, -46.63, "BR", "SA", "SP", LONDON);      // 9497, frankfurt 9829
    public static final City CAPE_TOWN = new City("Cape Town", 6, -33.92, 18.42, "ZA", "AF", "WC", FRANKFURT);    // 9393, singapore 9667
    public static final City BERLIN = new City("Berlin", 7, 52.52, 13.40, "DE", "EU", "BE", FRANKFURT);           // 423, london 931
    public static final City VANCOUVER = new City("Vancouver", 8, 49.28, -123.12, "CA", "NA", "BC", SEATTLE);     // 195, london 7578
    public static final City LOS_ANGELES = new City("Los Angeles", 9, 34.05, -118.24, "US", "NA", "CA", SEATTLE); // 1546, london 8756
    public static final City MUMBAI = new City("Mumbai", 10, 19.08, 72.88, "IN", "AS", "MH", SINGAPORE);          // 3904, frankfurt 6564
    public static final City AUCKLAND = new City("Auckland", 11, -36.85, 174.76, "NZ", "OC", "AUK", SINGAPORE);   // 8417, seattle 11272
    public static final City BOGOTA = new City("Bogotá", 12, 4.71, -74.07, "CO", "SA", "DC", SEATTLE);            // 6613, london 8491

    /** Twelve cities on six continents. */
    public static final List<City> CITIES = List.of(SYDNEY, MADRID, NEW_YORK, TOKYO, SAO_PAULO, CAPE_TOWN, BERLIN,
            VANCOUVER, LOS_ANGELES, MUMBAI, AUCKLAND, BOGOTA);

    /** A /28 (Dublin, nearest london) alone in 127.20.0.0/16: a DB network longer than the /24 ECS cap. */
    public static final String DUBLIN_28 = "127.20.5.0/28";
    /** ip-location-db country record (only country_code JP): placed at Japan's point, nearest singapore. */
    public static final String JAPAN_COUNTRY_ONLY = "127.30.0.0/16";
    /** GeoIP2-Country record (country IE, continent EU, no coordinates): Ireland's point, nearest london. */
    public static final String IRELAND_COUNTRY_ONLY = "127.31.0.0/16";
    /** Tokyo's IPv6 network. */
    public static final String TOKYO_V6 = "2001:db8:4::/48";
    /** Berlin's IPv6 network. */
    public static final String BERLIN_V6 = "2001:db8:7::/48";
    /** A /64 in New York, at the start of its /56: a DB network longer than the /56 ECS cap. */
    public static final String NEW_YORK_V6_64 = "2001:db8:3::/64";

    /** Addresses no record of the test database covers. */
    public static final List<String> UNKNOWN_SUBNETS = List.of("10.1.2.0/24", "192.168.1.0/24", "2001:db8:ff::/48");
    public static final InetAddress UNKNOWN_SOURCE = address("127.99.0.9");

    /** The test database with every city, the special networks above, and their IPv6 networks. */
    public static MmdbWriter database() {
        MmdbWriter db = new MmdbWriter("GeoLite2-City");
        for (City c : CITIES) {
            db.add(c.network(), city(c));
        }
        db.add(DUBLIN_28, MmdbWriter.city(53.35, -6.26, "IE", "EU", "L"));
        db.add(JAPAN_COUNTRY_ONLY, MmdbWriter.countryCode("JP"));
        db.add(IRELAND_COUNTRY_ONLY, MmdbWriter.country("IE", "EU"));
        db.add(TOKYO_V6, city(TOKYO));
        db.add(BERLIN_V6, city(BERLIN));
        db.add(NEW_YORK_V6_64, city(NEW_YORK));
        return db;
    }

    public static Map<String, Object> city(City c) {
        return MmdbWriter.city(c.latitude(), c.longitude(), c.country(), c.continent(), c.subdivision());
    }

    // ------------------------------------------------------------------------------------------ files

    /** The example zone without its static {@code app} records (the geo config answers app now), plus lines. */
    public static String exampleZoneWithoutApp(String... extraLines) {
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(GeodnsServer.exampleZones().resolve("example.com.zone"),
                    StandardCharsets.UTF_8)) {
                if (!line.matches("app\\s.*")) {
                    lines.add(line);
                }
            }
            lines.addAll(List.of(extraLines));
            return String.join("\n", lines) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code dir}/example.com.zone and {@code dir}/geo.yaml; returns {@code dir}. */
    public static Path writeZones(Path dir, String zone, String geoYaml) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("example.com.zone"), zone, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("geo.yaml"), geoYaml, StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The locations block of geo.yaml for {@code locations}, indented under a top-level "locations:". */
    public static String locationsYaml(List<Location> locations) {
        StringBuilder out = new StringBuilder("locations:\n");
        for (Location l : locations) {
            out.append("  ").append(l.name()).append(":\n");
            out.append("    coordinates: [").append(l.latitude()).append(", ").append(l.longitude()).append("]\n");
            out.append("    nodes:\n");
            for (Node n : l.nodes()) {
                out.append("      ").append(n.name()).append(": {");
                List<String> fields = new ArrayList<>();
                if (n.ipv4() != null) {
                    fields.add(" ipv4: " + n.ipv4());
                }
                if (n.ipv6() != null) {
                    fields.add(" ipv6: \"" + n.ipv6() + "\"");
                }
                out.append(String.join(",", fields)).append(" }\n");
            }
        }
        return out.toString();
    }

    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);   // literals only: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** The addresses of {@code type} in the answer section (CNAMEs leading to them left out). */
    public static Set<String> addresses(Reply reply, String type) {
        Set<String> out = new LinkedHashSet<>();
        for (Rr rr : reply.answer()) {
            if (rr.type().equals(type)) {
                out.add(rr.data());
            }
        }
        return out;
    }
}
