package geodns.geoip.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small but valid MaxMind DB files (format 2.0) for tests and benchmarks, so no real GeoIP database is
 * needed: a binary search tree over the address bits, 16 zero bytes, the data section, then the metadata.
 *
 * <pre>{@code
 * new MmdbWriter("GeoLite2-City")
 *     .add("127.1.0.0/16", MmdbWriter.city(-33.87, 151.21, "AU", "OC", "NSW"))       // Sydney
 *     .add("127.2.0.0/16", MmdbWriter.city(40.42, -3.70, "ES", "EU", "MD"))          // Madrid
 *     .add("2001:db8:1::/48", MmdbWriter.city(35.69, 139.69, "JP", "AS", "13"))      // Tokyo
 *     .write(dir.resolve("test-city.mmdb"));
 * }</pre>
 *
 * Like MaxMind's own files the tree is IPv6 (unless {@link #ipv4Only()}), with IPv4 networks at ::/96 and
 * ::ffff:0:0/96 pointing at the same IPv4 subtree. Networks may nest: a /24 inside a /8 wins for its addresses.
 * Adding the same network twice keeps the last data. Also a command line, for scripts and benchmarks:
 * {@code java -cp geodns-geoip-tests.jar geodns.geoip.testing.MmdbWriter OUT.mmdb 127.1.0.0/16=-33.87,151.21,AU,OC
 * 127.9.0.0/16=JP} (a city record, or a {@code country_code} record).
 */
public final class MmdbWriter {

    /** An unsigned 16-bit value (MaxMind uses it for e.g. {@code accuracy_radius}). */
    public record Uint16(int value) {}

    /** An unsigned 32-bit value (e.g. {@code geoname_id}); a non-negative Integer is written as uint32 too. */
    public record Uint32(long value) {}

    private static final byte[] METADATA_MARKER = concat(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF},
            "MaxMind.com".getBytes(StandardCharsets.US_ASCII));

    private record Entry(String cidr, byte[] bits, int prefixLength, Object data) {}

    /** A tree node; a child is null (no data), another Node, or a Data leaf. */
    private static final class Node {
        final Object[] child = new Object[2];
    }

    private record Data(int offset) {}

    private final String databaseType;
    private int recordSize = 28;
    private int writtenNodes;   // by the last toBytes()
    private int ipVersion = 6;
    private long buildEpoch = Instant.now().getEpochSecond();
    private String description = "geodns test database";
    private final List<Entry> entries = new ArrayList<>();

    /** @param databaseType the metadata's database_type, e.g. "GeoLite2-City", "GeoIP2-Country", "city ipv4" */
    public MmdbWriter(String databaseType) {
        this.databaseType = databaseType;
    }

    /** Bits per tree record: 24, 28 (the default, as GeoLite2-City) or 32. */
    public MmdbWriter recordSize(int bits) {
        if (bits != 24 && bits != 28 && bits != 32) {
            throw new IllegalArgumentException("record size must be 24, 28 or 32, not " + bits);
        }
        this.recordSize = bits;
        return this;
    }

    /** A 32-bit tree (ip_version 4) that holds IPv4 networks only, like ip-location-db's *-ipv4.mmdb files. */
    public MmdbWriter ipv4Only() {
        this.ipVersion = 4;
        return this;
    }

    /** The metadata's build_epoch (seconds since 1970, UTC); defaults to now. */
    public MmdbWriter buildEpoch(long secondsSinceEpoch) {
        this.buildEpoch = secondsSinceEpoch;
        return this;
    }

    public MmdbWriter description(String english) {
        this.description = english;
        return this;
    }

    /**
     * Adds a network, e.g. "127.1.0.0/16" or "2001:db8:1::/48", with its record: a Map of String keys to
     * String, Double, Float, Integer, Long, BigInteger, Boolean, byte[], List, Map, {@link Uint16}, {@link Uint32}.
     */
    public MmdbWriter add(String cidr, Map<String, ?> data) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR network (want address/prefix): " + cidr);
        }
        String literal = cidr.substring(0, slash);
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        InetAddress address = parseLiteral(literal);
        byte[] raw = address.getAddress();
        int family = raw.length * 8;
        if (prefix < 0 || prefix > family) {
            throw new IllegalArgumentException("prefix out of range for " + cidr);
        }
        if (!hostBitsZero(raw, prefix)) {
            throw new IllegalArgumentException("address has bits set beyond the prefix: " + cidr);
        }
        byte[] bits;
        if (ipVersion == 4) {
            if (!(address instanceof Inet4Address)) {
                throw new IllegalArgumentException("an IPv4-only database cannot hold " + cidr);
            }
            bits = raw;
        } else if (address instanceof Inet4Address) {
            bits = new byte[16];                 // IPv4 lives at ::/96 of an IPv6 tree
            System.arraycopy(raw, 0, bits, 12, 4);
            prefix += 96;
        } else {
            bits = raw;
        }
        entries.add(new Entry(cidr, bits, prefix, Map.copyOf(data)));
        return this;
    }

    /** The database as bytes. */
    public byte[] toBytes() {
        MmdbEncoder data = new MmdbEncoder();
        Map<Object, Data> offsets = new HashMap<>();  // equal records share one copy, as in real DBs
        Node root = new Node();
        // Less specific first, so a nested network splits its parent's leaf instead of being overwritten by it.
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(Entry::prefixLength));
        for (Entry e : sorted) {
            Data leaf = offsets.computeIfAbsent(e.data(), d -> new Data(data.write(d)));
            insert(root, e.bits(), e.prefixLength(), leaf);
        }
        if (ipVersion == 6) {
            aliasMappedIpv4(root);
        }

        // Number nodes breadth-first from the root (which must be 0); the IPv4 alias makes the tree a DAG, so a
        // node reached twice keeps its first number.
        Map<Node, Integer> number = new IdentityHashMap<>();
        List<Node> order = new ArrayList<>();
        Deque<Node> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            if (number.containsKey(n)) {
                continue;
            }
            number.put(n, order.size());
            order.add(n);
            for (Object c : n.child) {
                if (c instanceof Node child && !number.containsKey(child)) {
                    queue.add(child);
                }
            }
        }
        int nodeCount = order.size();
        writtenNodes = nodeCount;

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node n : order) {
            long left = recordValue(n.child[0], number, nodeCount);
            long right = recordValue(n.child[1], number, nodeCount);
            writeNode(out, left, right);
        }
        out.writeBytes(new byte[16]);                     // the data section separator
        out.writeBytes(data.toBytes());
        out.writeBytes(METADATA_MARKER);
        out.writeBytes(metadata(nodeCount));
        return out.toByteArray();
    }

    /**
     * The database with the last {@code garbage} bytes of its search tree overwritten with 0xff, as a damaged
     * download: the nodes numbered last (breadth-first, so the deepest) point far past the end of the file, while
     * the nodes near the root, and so lookups of short paths (and the metadata), stay good.
     */
    public byte[] toBytesWithTreeGarbage(int garbage) {
        byte[] bytes = toBytes();
        int treeBytes = writtenNodes * recordSize / 4;
        if (garbage > treeBytes) {
            throw new IllegalArgumentException("the tree has only " + treeBytes + " bytes");
        }
        java.util.Arrays.fill(bytes, treeBytes - garbage, treeBytes, (byte) 0xff);
        return bytes;
    }

    /**
     * Writes the database to {@code file}, replacing it atomically (a server that maps the old file keeps a
     * consistent view), and returns the file.
     */
    public Path write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, toBytes());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    // ---- records in the shapes geodns reads ----

    /**
     * A GeoIP2/GeoLite2 City record. {@code subdivision} is as MaxMind stores it, without the country ("CA" for
     * California, "NSW" for New South Wales), or null.
     */
    public static Map<String, Object> city(double latitude, double longitude, String countryCode,
                                           String continentCode, String subdivision) {
        Map<String, Object> m = new LinkedHashMap<>(country(countryCode, continentCode));
        m.put("location", Map.of("latitude", latitude, "longitude", longitude, "accuracy_radius", new Uint16(20),
                "time_zone", "Etc/UTC"));
        if (subdivision != null) {
            m.put("subdivisions", List.of(Map.of("iso_code", subdivision, "names", Map.of("en", subdivision))));
        }
        return m;
    }

    /** A GeoIP2/GeoLite2 Country record: country and continent, no coordinates. */
    public static Map<String, Object> country(String countryCode, String continentCode) {
        Map<String, Object> country = Map.of("iso_code", countryCode, "geoname_id", new Uint32(1),
                "names", Map.of("en", countryCode));
        return new LinkedHashMap<>(Map.of(
                "continent", Map.of("code", continentCode, "geoname_id", new Uint32(2)),
                "country", country,
                "registered_country", country));
    }

    /** An ip-location-db country record (geo-whois-asn-country, dbip-country, ...): only {@code country_code}. */
    public static Map<String, Object> countryCode(String countryCode) {
        return Map.of("country_code", countryCode);
    }

    /** An ip-location-db DB-IP city lite record: top-level fields, coordinates as 32-bit floats. */
    public static Map<String, Object> dbipCity(double latitude, double longitude, String countryCode, String city) {
        return Map.of("country_code", countryCode, "state1", "", "state2", "", "city", city, "postcode", "",
                "latitude", (float) latitude, "longitude", (float) longitude, "timezone", "");
    }

    /** Command line: OUT.mmdb then CIDR=LAT,LON,CC,CONTINENT[,SUBDIVISION] (City) or CIDR=CC (country_code). */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: MmdbWriter OUT.mmdb CIDR=LAT,LON,CC,CONTINENT[,SUBDIVISION] | CIDR=CC ...");
            System.exit(2);
        }
        MmdbWriter writer = new MmdbWriter("GeoLite2-City");
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            String[] f = kv[1].split(",");
            if (f.length == 1) {
                writer.add(kv[0], countryCode(f[0]));
            } else {
                writer.add(kv[0], city(Double.parseDouble(f[0]), Double.parseDouble(f[1]), f[2], f[3],
                        f.length > 4 ? f[4] : null));
            }
        }
        writer.write(Path.of(args[0]));
    }

    // ---- tree ----

    private static void insert(Node root, byte[] bits, int prefixLength, Data leaf) {
        if (prefixLength == 0) {                 // the whole address space: both halves
            root.child[0] = leaf;
            root.child[1] = leaf;
            return;
        }
        Node node = root;
        for (int i = 0; i < prefixLength - 1; i++) {
            int b = bit(bits, i);
            if (node.child[b] instanceof Node next) {
                node = next;
            } else {
                // Empty, or a leaf of a less specific network: a new node whose both halves keep what was there.
                Node split = new Node();
                split.child[0] = node.child[b];
                split.child[1] = node.child[b];
                node.child[b] = split;
                node = split;
            }
        }
        node.child[bit(bits, prefixLength - 1)] = leaf;
    }

    /** Points ::ffff:0:0/96 at the IPv4 subtree (::/96) as MaxMind does, when both paths allow it. */
    private static void aliasMappedIpv4(Node root) {
        Node node = root;
        for (int i = 0; i < 96; i++) {
            if (!(node.child[0] instanceof Node next)) {
                return;                           // no IPv4 data
            }
            node = next;
        }
        Node ipv4Root = node;
        node = root;
        for (int i = 0; i < 95; i++) {
            int b = i < 80 ? 0 : 1;
            if (node.child[b] == null) {
                node.child[b] = new Node();
            } else if (!(node.child[b] instanceof Node)) {
                return;                           // data was put in the way; leave it as written
            }
            node = (Node) node.child[b];
        }
        if (node.child[1] == null) {
            node.child[1] = ipv4Root;
        }
    }

    private static int bit(byte[] bits, int i) {
        return (bits[i >> 3] >> (7 - (i & 7))) & 1;
    }

    private long recordValue(Object child, Map<Node, Integer> number, int nodeCount) {
        long value;
        if (child == null) {
            value = nodeCount;                              // "no data"
        } else if (child instanceof Node n) {
            value = number.get(n);
        } else {
            value = (long) nodeCount + 16 + ((Data) child).offset();   // the spec's data pointer
        }
        if (value >= 1L << recordSize) {
            throw new IllegalStateException("database too large for " + recordSize + "-bit records");
        }
        return value;
    }

    private void writeNode(ByteArrayOutputStream out, long left, long right) {
        switch (recordSize) {
            case 24 -> {
                out.writeBytes(be(left, 3));
                out.writeBytes(be(right, 3));
            }
            case 28 -> {
                // Left's low 24 bits, a middle byte holding left's and right's top 4 bits, right's low 24 bits.
                out.writeBytes(be(left & 0xFF_FFFF, 3));
                out.write((int) (((left >> 24) & 0x0F) << 4 | ((right >> 24) & 0x0F)));
                out.writeBytes(be(right & 0xFF_FFFF, 3));
            }
            default -> {
                out.writeBytes(be(left, 4));
                out.writeBytes(be(right, 4));
            }
        }
    }

    private static byte[] be(long value, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = bytes - 1; i >= 0; i--) {
            b[i] = (byte) value;
            value >>= 8;
        }
        return b;
    }

    private byte[] metadata(int nodeCount) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("binary_format_major_version", new Uint16(2));
        m.put("binary_format_minor_version", new Uint16(0));
        m.put("build_epoch", buildEpoch);                   // uint64
        m.put("database_type", databaseType);
        m.put("description", Map.of("en", description));
        m.put("ip_version", new Uint16(ipVersion));
        m.put("languages", List.of("en"));
        m.put("node_count", new Uint32(nodeCount));
        m.put("record_size", new Uint16(recordSize));
        MmdbEncoder encoder = new MmdbEncoder();
        encoder.write(m);
        return encoder.toBytes();
    }

    private static InetAddress parseLiteral(String literal) {
        // Only literals: InetAddress.getByName would resolve a host name through DNS.
        if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + literal, e);
        }
    }

    private static boolean hostBitsZero(byte[] raw, int prefix) {
        for (int i = prefix; i < raw.length * 8; i++) {
            if (bit(raw, i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
