package geodns.geoip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Reader;
import geodns.geoip.testing.MmdbWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test-scope writer checked against MaxMind's own reader and, where installed, libmaxminddb's mmdblookup. */
class MmdbWriterTest {

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Reader reader, String address) throws IOException {
        return (Map<String, Object>) reader.get(InetAddress.getByName(address), Map.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 28, 32})
    void everyDataTypeRoundTrips(int recordSize) throws IOException {
        String longString = "x".repeat(300);           // needs the two-byte size form
        String mediumString = "é".repeat(40);          // 80 bytes: the one-byte size form
        Map<String, Object> record = Map.ofEntries(
                Map.entry("string", "Sydney"), Map.entry("empty", ""), Map.entry("medium", mediumString),
                Map.entry("long", longString), Map.entry("double", -33.8688), Map.entry("float", 151.25f),
                Map.entry("uint16", new MmdbWriter.Uint16(65_535)), Map.entry("uint32", 4_000_000),
                Map.entry("uint32zero", 0), Map.entry("int32", -5), Map.entry("uint64", Long.MAX_VALUE),
                Map.entry("uint128", BigInteger.ONE.shiftLeft(100)), Map.entry("yes", true),
                Map.entry("no", false), Map.entry("bytes", new byte[] {1, 2, 3}),
                Map.entry("array", List.of("a", 1, List.of())),
                Map.entry("map", Map.of("nested", Map.of("deeper", 1.5))));
        byte[] db = new MmdbWriter("Test-Types").recordSize(recordSize).add("127.1.0.0/16", record).toBytes();
        try (Reader reader = new Reader(new ByteArrayInputStream(db))) {
            assertEquals(recordSize, recordSizeOf(reader));
            Map<String, Object> got = read(reader, "127.1.2.3");
            assertEquals("Sydney", got.get("string"));
            assertEquals("", got.get("empty"));
            assertEquals(mediumString, got.get("medium"));
            assertEquals(longString, got.get("long"));
            assertEquals(-33.8688, got.get("double"));
            assertEquals(151.25f, got.get("float"));
            assertEquals(65_535, got.get("uint16"));
            assertEquals(4_000_000L, got.get("uint32"));
            assertEquals(0L, got.get("uint32zero"));
            assertEquals(-5, got.get("int32"));
            assertEquals(BigInteger.valueOf(Long.MAX_VALUE), got.get("uint64"));
            assertEquals(BigInteger.ONE.shiftLeft(100), got.get("uint128"));
            assertEquals(true, got.get("yes"));
            assertEquals(false, got.get("no"));
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) got.get("bytes"));
            assertEquals(List.of("a", 1L, List.of()), got.get("array"));
            assertEquals(Map.of("nested", Map.of("deeper", 1.5)), got.get("map"));
        }
    }

    private static int recordSizeOf(Reader reader) {
        // Metadata has no getter for it in this reader version; its toString shows it.
        String m = reader.getMetadata().toString();
        return Integer.parseInt(m.replaceAll(".*recordSize=(\\d+).*", "$1"));
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 28, 32})
    void manyNetworksFindTheirOwnRecords(int recordSize) throws IOException {
        // Enough nodes that 28-bit records use the middle nibbles' low bits... and every record is distinct.
        MmdbWriter w = new MmdbWriter("Test-Many").recordSize(recordSize);
        for (int i = 0; i < 2000; i++) {
            w.add("10." + (i >> 8) + "." + (i & 255) + ".0/24", Map.of("i", i));
            w.add(String.format("2001:db8:%x::/48", i), Map.of("i", i));
        }
        try (Reader reader = new Reader(new ByteArrayInputStream(w.toBytes()))) {
            for (int i = 0; i < 2000; i += 37) {
                assertEquals((long) i, read(reader, "10." + (i >> 8) + "." + (i & 255) + ".9").get("i"));
                assertEquals((long) i, read(reader, String.format("2001:db8:%x::9", i)).get("i"));
            }
            assertNull(read(reader, "10.8.0.1"));
        }
    }

    @Test
    void nestedNetworksAndPrefixLengthsAsMaxMindsReaderSeesThem() throws IOException {
        byte[] db = new MmdbWriter("Test-Nested")
                .add("10.1.2.0/24", Map.of("n", "inner"))     // added first on purpose: order must not matter
                .add("10.0.0.0/8", Map.of("n", "outer"))
                .add("2001:db8::/32", Map.of("n", "v6"))
                .toBytes();
        try (Reader reader = new Reader(new ByteArrayInputStream(db))) {
            DatabaseRecord<Map> inner = reader.getRecord(InetAddress.getByName("10.1.2.3"), Map.class);
            assertEquals("inner", inner.getData().get("n"));
            assertEquals("10.1.2.0/24", inner.getNetwork().toString());
            DatabaseRecord<Map> outer = reader.getRecord(InetAddress.getByName("10.77.0.1"), Map.class);
            assertEquals("outer", outer.getData().get("n"));
            assertEquals(10, outer.getNetwork().getPrefixLength());      // 10.64.0.0/10
            assertEquals("v6", read(reader, "2001:db8:ffff::1").get("n"));
            assertNull(read(reader, "11.0.0.1"));
        }
    }

    @Test
    void rejectsWhatItCannotWrite() {
        MmdbWriter w = new MmdbWriter("Test");
        assertThrows(IllegalArgumentException.class, () -> w.add("10.0.0.1/8", Map.of()));    // host bits set
        assertThrows(IllegalArgumentException.class, () -> w.add("10.0.0.0/33", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> w.add("example.com/8", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> w.add("10.0.0.0", Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new MmdbWriter("T").ipv4Only().add("2001:db8::/32", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new MmdbWriter("T").recordSize(26));
        assertThrows(IllegalArgumentException.class,
                () -> new MmdbWriter("T").add("10.0.0.0/8", Map.of("x", new Object())).toBytes());
    }

    @Test
    void writeReplacesTheFileAtomically() throws IOException {
        Path file = dir.resolve("db.mmdb");
        new MmdbWriter("First").add("10.0.0.0/8", MmdbWriter.countryCode("DE")).write(file);
        new MmdbWriter("Second").add("10.0.0.0/8", MmdbWriter.countryCode("FR")).write(file);
        try (GeoDatabase db = GeoDatabase.open(file)) {
            assertTrue(db.description().startsWith("Second "));
            assertEquals("FR", db.lookup(InetAddress.getByName("10.1.1.1")).place().countryCode());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left");
        }
    }

    @Test
    void commandLineWritesCityAndCountryCodeRecords() throws IOException {
        Path file = dir.resolve("cli.mmdb");
        MmdbWriter.main(new String[] {file.toString(), "127.1.0.0/16=-33.87,151.21,AU,OC,NSW", "127.9.0.0/16=JP"});
        try (GeoDatabase db = GeoDatabase.open(file)) {
            assertEquals("AU-NSW", db.lookup(InetAddress.getByName("127.1.0.1")).place().subdivisionCode());
            assertTrue(db.lookup(InetAddress.getByName("127.9.0.1")).place().pointFromCountry());
        }
    }

    // ---- libmaxminddb's mmdblookup (Debian: mmdb-bin), when installed ----

    static boolean hasMmdblookup() {
        try {
            Process p = new ProcessBuilder("mmdblookup", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String mmdblookup(Path file, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mmdblookup", "--file", file.toString(), "--verbose", "--ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 28, 32})
    void mmdblookupReadsItToo(int recordSize) throws Exception {
        assumeTrue(hasMmdblookup(), "mmdblookup not installed (apt-get install mmdb-bin)");
        Path file = GeoDatabaseTest.cities("GeoLite2-City").recordSize(recordSize).write(dir.resolve("c.mmdb"));

        String sydney = mmdblookup(file, "127.1.2.3", "location", "latitude");
        assertTrue(sydney.contains("-33.868800 <double>"), sydney);
        assertTrue(sydney.contains("Record size:   " + recordSize + " bits"), sydney);
        assertTrue(sydney.contains("IP version:    IPv6"), sydney);
        assertTrue(sydney.contains("Type:          GeoLite2-City"), sydney);
        // libmaxminddb counts an IPv4 address's prefix in the IPv6 tree: 96 + 16.
        assertTrue(sydney.contains("Record prefix length: 112"), sydney);

        String mapped = mmdblookup(file, "::ffff:127.2.0.1", "country", "iso_code");
        assertTrue(mapped.contains("\"ES\" <utf8_string>"), "::ffff:0:0/96 aliases the IPv4 tree: " + mapped);

        String nested = mmdblookup(file, "10.1.2.3", "subdivisions", "0", "iso_code");
        assertTrue(nested.contains("\"13\" <utf8_string>"), nested);

        String tokyo = mmdblookup(file, "2001:db8:1::1", "location", "accuracy_radius");
        assertTrue(tokyo.contains("20 <uint16>") && tokyo.contains("Record prefix length: 48"), tokyo);
    }

    @Test
    void mmdblookupReadsIpv4OnlyFiles() throws Exception {
        assumeTrue(hasMmdblookup(), "mmdblookup not installed (apt-get install mmdb-bin)");
        Path file = new MmdbWriter("city ipv4").ipv4Only().recordSize(24)
                .add("127.9.0.0/16", MmdbWriter.dbipCity(51.5143, -0.0912, "GB", "London"))
                .write(dir.resolve("v4.mmdb"));
        String out = mmdblookup(file, "127.9.1.1", "latitude");
        assertTrue(out.contains("IP version:    IPv4") && out.contains("<float>")
                && out.contains("Record prefix length: 16"), out);
    }
}
