package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import geodns.server.config.YamlReader;
import geodns.server.testing.Dns;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A geo.yaml with a mistake is rejected by {@link Zones#read} with {@code geo.yaml:<line>: reason}, the line being
 * the one that holds the mistake. Expected lines are found by a marker in the text, so each test states where the
 * mistake is rather than counting lines.
 */
class GeoConfigErrorsTest {
    /** The zone the geo names live in; line 6 holds www's A record, line 7 a delegation. */
    static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @    IN SOA ns admin 1 7200 900 1209600 300
            @    IN NS  ns
            ns   IN A   192.0.2.1
            www  IN A   192.0.2.2
            sub  IN NS  ns.elsewhere.net.
            """;

    static final String LOCATIONS = """
            locations:
              london:
                coordinates: [51.507, -0.128]
                nodes:
                  lon-1: { ipv4: 192.0.2.11, ipv6: "2001:db8:10::11" }
              frankfurt:
                coordinates: [50.110, 8.682]
                nodes:
                  fra-1: { ipv4: 192.0.2.21 }
            """;

    /** Locations where every node is probed at the global URL; tests add health settings at line 3 on. */
    static final String PROBED = """
            health:
              url: "http://{ip}:8080/ping"
            %s
            locations:
              london:
                coordinates: [51.507, -0.128]
                nodes:
                  lon-1: { ipv4: 192.0.2.11 }
            """;

    @TempDir
    Path dir;
    Path zoneFile;
    Path geoFile;

    @BeforeEach
    void zone() {
        zoneFile = Dns.write(dir, "example.com.zone", ZONE);
    }

    private String geo(String yaml) {
        geoFile = Dns.write(dir, "geo.yaml", yaml);
        return yaml;
    }

    /** The 1-based line of the first line of {@code text} that contains {@code marker}. */
    static int lineOf(String text, String marker) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(marker)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line contains " + marker);
    }

    /** Reads the folder, which must fail with exactly one error, in geo.yaml. */
    private ConfigError onlyError() {
        Zones.Read read = Zones.read(dir);
        assertFalse(read.ok(), "the folder must be rejected");
        assertNull(read.sources(), "nothing is served from a folder with errors");
        assertEquals(1, read.errors().size(), () -> "errors: " + read.errors());
        ConfigError error = read.errors().get(0);
        assertEquals(geoFile.toString(), error.file(), () -> "error: " + error);
        return error;
    }

    /** The single error is at the line of {@code marker} and its reason mentions each word. */
    private ConfigError assertErrorAt(String yaml, String marker, String... words) {
        ConfigError error = onlyError();
        assertEquals(lineOf(yaml, marker), error.line(), () -> "error: " + error);
        for (String word : words) {
            assertTrue(error.reason().contains(word), () -> "'" + error.reason() + "' should mention '" + word + "'");
        }
        return error;
    }

    // ---- bytes that are not a config (found by ConfigFuzzTest) ----

    @Test
    void geoYamlThatIsNotUtf8IsAnErrorAtTheLineOfTheBadByte() throws Exception {
        geo(LOCATIONS);
        byte[] text = (LOCATIONS + "names:\n  caf\u00e9.example.com: {}\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.nio.file.Files.write(geoFile, text);
        ConfigError error = onlyError();
        assertEquals(LOCATIONS.split("\n").length + 2, error.line(), () -> "error: " + error);
        assertEquals("not UTF-8 text (byte 0xe9)", error.reason());
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void geoYamlThatIsADeviceIsAnErrorNotReadUntilTheHeapIsGone() throws Exception {
        geoFile = java.nio.file.Files.createSymbolicLink(dir.resolve("geo.yaml"), Path.of("/dev/zero"));
        ConfigError error = onlyError();
        assertEquals(dir.resolve("geo.yaml") + ": not a regular file (a device, FIFO or folder)", error.toString());
    }

    @Test
    void geoYamlOfMoreNodesThanTheLimitIsAnErrorAtTheFirstNodeOver() {
        geo(LOCATIONS + "junk: [" + "1,".repeat(YamlReader.MAX_NODES) + "1]\n");
        ConfigError error = onlyError();
        assertTrue(error.reason().startsWith("more than 50000 YAML nodes"), error::toString);
    }

    @Test
    void geoYamlLargerThanTheLimitIsAnErrorNamingTheLimit() throws Exception {
        geo(LOCATIONS);
        try (java.io.RandomAccessFile grown = new java.io.RandomAccessFile(geoFile.toFile(), "rw")) {
            grown.setLength(YamlReader.MAX_BYTES + 1L);
        }
        ConfigError error = onlyError();
        assertEquals(1, error.line());
        assertEquals("larger than the limit of 8 MiB", error.reason());
    }

    // ---- the baseline ----

    @Test
    void validConfigIsRead() {
        geo(LOCATIONS + """
                names:
                  app.example.com:
                    ttl: 30
                    locations: [london, frankfurt]
                    unknown: [frankfurt]
                    max-answers: 1
                    continents: { EU: [frankfurt] }
                    countries: { IE: [london] }
                    subdivisions: { US-CA: [london] }
                """);
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
    }

    @Test
    void errorPrintsAsGeoYamlLineReason() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: [london, nowhere]
                """);
        ConfigError error = onlyError();
        assertEquals(geoFile + ":" + lineOf(yaml, "nowhere") + ": " + error.reason(), error.toString());
        assertTrue(error.toString().contains("geo.yaml:"));
    }

    // ---- locations the names refer to ----

    @Test
    void unknownLocationInANamesListIsAnErrorAtTheList() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: [london, nowhere]
                """);
        assertErrorAt(yaml, "nowhere", "unknown location", "nowhere");
    }

    @Test
    void unknownLocationInABlockListIsAnErrorAtItsOwnLine() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations:
                      - london
                      - frankfurt
                      - nowhere
                """);
        assertErrorAt(yaml, "- nowhere", "unknown location", "nowhere");
    }

    @Test
    void unknownLocationInTheUnknownOrderIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    unknown: [paris]
                """);
        assertErrorAt(yaml, "paris", "unknown location", "paris");
    }

    @Test
    void unknownLocationInAContinentOverrideIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    continents: { EU: [frankfurt, madrid] }
                """);
        assertErrorAt(yaml, "madrid", "unknown location", "madrid");
    }

    @Test
    void unknownLocationInACountryOverrideIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      IE: [london]
                      DE: [berlin]
                """);
        assertErrorAt(yaml, "berlin", "unknown location", "berlin");
    }

    @Test
    void unknownLocationInASubdivisionOverrideIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    subdivisions: { US-CA: [seattle] }
                """);
        assertErrorAt(yaml, "seattle", "unknown location", "seattle");
    }

    @Test
    void overrideNamingALocationTheNameDoesNotSpanIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: [london]
                    countries: { DE: [frankfurt] }
                """);
        assertErrorAt(yaml, "DE:", "frankfurt", "span");
    }

    @Test
    void listNamingALocationTwiceIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: [london, frankfurt, london]
                """);
        assertErrorAt(yaml, "[london, frankfurt, london]", "twice");
    }

    @Test
    void emptyLocationListIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: []
                """);
        assertErrorAt(yaml, "locations: []", "empty");
    }

    // ---- coordinates ----

    @Test
    void latitudeOver90IsAnErrorAtTheCoordinates() {
        String yaml = geo(LOCATIONS.replace("[50.110, 8.682]", "[91, 8.682]"));
        assertErrorAt(yaml, "[91, 8.682]", "latitude", "frankfurt", "91");
    }

    @Test
    void latitudeBelowMinus90IsAnError() {
        String yaml = geo(LOCATIONS.replace("[50.110, 8.682]", "[-90.5, 8.682]"));
        assertErrorAt(yaml, "[-90.5, 8.682]", "latitude");
    }

    @Test
    void longitudeThatIsNotANumberIsAnError() {
        String yaml = geo(LOCATIONS.replace("[51.507, -0.128]", "[51.507, x]"));
        assertErrorAt(yaml, "[51.507, x]", "longitude", "london", "'x'");
    }

    @Test
    void longitudeOver180IsAnError() {
        String yaml = geo(LOCATIONS.replace("[51.507, -0.128]", "[51.507, 180.5]"));
        assertErrorAt(yaml, "180.5", "longitude");
    }

    @Test
    void badLongitudeInABlockListIsReportedAtItsOwnLine() {
        String yaml = geo(LOCATIONS.replace("coordinates: [50.110, 8.682]", """
                coordinates:
                      - 50.110
                      - east""".stripTrailing()));
        assertErrorAt(yaml, "- east", "longitude", "'east'");
    }

    @Test
    void coordinatesWithOneNumberAreAnError() {
        String yaml = geo(LOCATIONS.replace("[50.110, 8.682]", "[50.110]"));
        assertErrorAt(yaml, "[50.110]", "latitude, longitude");
    }

    @Test
    void locationWithoutCoordinatesIsAnErrorAtTheLocation() {
        String yaml = geo(LOCATIONS.replace("    coordinates: [50.110, 8.682]\n", ""));
        assertErrorAt(yaml, "frankfurt:", "frankfurt", "coordinates");
    }

    // ---- names of locations and nodes ----

    @Test
    void duplicateLocationNameIsAnErrorAtTheSecond() {
        String yaml = geo(LOCATIONS + """
                  frankfurt :
                    coordinates: [50.0, 8.0]
                    nodes:
                      fra-9: { ipv4: 192.0.2.29 }
                """);
        assertErrorAt(yaml, "frankfurt :", "frankfurt");
    }

    @Test
    void duplicateNodeNameInAnotherLocationIsAnErrorAtTheSecond() {
        String yaml = geo(LOCATIONS + """
                  paris:
                    coordinates: [48.857, 2.352]
                    nodes:
                      lon-1: { ipv4: 192.0.2.31 }
                """);
        assertErrorAt(yaml, "192.0.2.31", "lon-1", "twice");
    }

    @Test
    void duplicateNodeNameInTheSameLocationIsAnErrorAtTheSecond() {
        String yaml = geo(LOCATIONS.replace("      fra-1: { ipv4: 192.0.2.21 }\n",
                "      fra-1: { ipv4: 192.0.2.21 }\n      fra-1: { ipv4: 192.0.2.22 }\n"));
        assertErrorAt(yaml, "192.0.2.22", "fra-1");
    }

    @Test
    void upperCaseLocationNameIsAnError() {
        String yaml = geo(LOCATIONS.replace("frankfurt:", "Frankfurt:"));
        assertErrorAt(yaml, "Frankfurt:", "Frankfurt");
    }

    @Test
    void locationWithoutNodesIsAnError() {
        String yaml = geo(LOCATIONS.replace("    nodes:\n      fra-1: { ipv4: 192.0.2.21 }\n", "    nodes: {}\n"));
        assertErrorAt(yaml, "nodes: {}", "frankfurt", "no nodes");
    }

    // ---- node addresses ----

    @Test
    void nodeWithoutAddressesIsAnErrorAtTheNode() {
        String yaml = geo(LOCATIONS.replace("fra-1: { ipv4: 192.0.2.21 }", "fra-1: {}"));
        assertErrorAt(yaml, "fra-1: {}", "fra-1", "ipv4 or ipv6");
    }

    @Test
    void nodeWithOnlyHealthSettingsHasNoAddresses() {
        String yaml = geo(LOCATIONS.replace("fra-1: { ipv4: 192.0.2.21 }", "fra-1: { health: { insecure: true } }"));
        assertErrorAt(yaml, "fra-1:", "fra-1", "ipv4 or ipv6");
    }

    @Test
    void ipv6InTheIpv4FieldIsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv4: 192.0.2.21", "ipv4: \"2001:db8::21\""));
        assertErrorAt(yaml, "2001:db8::21", "2001:db8::21", "IPv4");
    }

    @Test
    void ipv4InTheIpv6FieldIsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv6: \"2001:db8:10::11\"", "ipv6: 192.0.2.99"));
        assertErrorAt(yaml, "192.0.2.99", "192.0.2.99", "IPv6");
    }

    @Test
    void hostNameInTheIpv4FieldIsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv4: 192.0.2.21", "ipv4: localhost"));
        assertErrorAt(yaml, "localhost", "localhost", "IPv4");
    }

    @Test
    void ipv4WithAnOctetOver255IsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv4: 192.0.2.21", "ipv4: 192.0.2.256"));
        assertErrorAt(yaml, "192.0.2.256", "IPv4");
    }

    @Test
    void ipv4WithThreePartsIsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv4: 192.0.2.21", "ipv4: 192.0.2"));
        assertErrorAt(yaml, "ipv4: 192.0.2 ", "192.0.2", "IPv4");
    }

    // ---- typos ----

    @Test
    void unknownKeyInALocationIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS.replace("    coordinates: [50.110, 8.682]", "    cordinates: [50.110, 8.682]"));
        assertErrorAt(yaml, "cordinates", "unknown key", "cordinates");
    }

    @Test
    void unknownKeyInANameIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    ttl: 30
                    max_answers: 2
                """);
        assertErrorAt(yaml, "max_answers", "unknown key", "max_answers");
    }

    @Test
    void unknownKeyInANodeIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS.replace("fra-1: { ipv4: 192.0.2.21 }", "fra-1: { ip4: 192.0.2.21 }"));
        assertErrorAt(yaml, "ip4:", "unknown key", "ip4");
    }

    @Test
    void unknownKeyInHealthSettingsIsAnErrorAtTheKey() {
        String yaml = geo(PROBED.formatted("  intervall: 5s"));
        assertErrorAt(yaml, "intervall", "unknown key", "intervall");
    }

    @Test
    void unknownTopLevelKeyIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + "name:\n  app.example.com: {}\n");
        assertErrorAt(yaml, "name:", "unknown key", "'name'");
    }

    @Test
    void configWithoutLocationsIsAnError() {
        String yaml = geo("names:\n  app.example.com: {}\n");
        assertErrorAt(yaml, "names:", "locations");
    }

    // ---- override keys ----

    @Test
    void badContinentCodeIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    continents:
                      EU: [frankfurt]
                      EA: [london]
                """);
        assertErrorAt(yaml, "EA:", "'EA'", "continent");
    }

    @Test
    void badCountryCodeIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      GBR: [london]
                """);
        assertErrorAt(yaml, "GBR:", "'GBR'", "country");
    }

    @Test
    void subdivisionWithoutItsCountryIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    subdivisions:
                      CA: [london]
                """);
        assertErrorAt(yaml, "CA:", "'CA'", "subdivision");
    }

    @Test
    void ukIsNotACountryCodeAndTheErrorSuggestsGb() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      UK: [london]
                """);
        assertErrorAt(yaml, "UK:", "'UK'", "ISO 3166-1", "did you mean GB?");
    }

    @Test
    void unassignedCountryCodeIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      QQ: [london]
                """);
        assertErrorAt(yaml, "QQ:", "'QQ'", "ISO 3166-1");
    }

    @Test
    void lowerCaseCountryCodeIsAnErrorSuggestingTheUpperCase() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      de: [frankfurt]
                """);
        assertErrorAt(yaml, "de:", "'de'", "did you mean DE?");
    }

    @Test
    void continentUnderCountriesIsAnErrorSayingWhereItBelongs() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      EU: [frankfurt]
                """);
        assertErrorAt(yaml, "EU:", "'EU'", "put it under continents");
    }

    @Test
    void lowerCaseContinentCodeIsAnErrorSuggestingTheUpperCase() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    continents:
                      eu: [frankfurt]
                """);
        assertErrorAt(yaml, "eu:", "'eu'", "did you mean EU?");
    }

    @Test
    void countryUnderContinentsIsAnErrorSayingWhereItBelongs() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    continents:
                      DE: [frankfurt]
                """);
        assertErrorAt(yaml, "DE:", "'DE'", "put it under countries");
    }

    @Test
    void subdivisionOfAnUnknownCountryIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    subdivisions:
                      QQ-CA: [london]
                """);
        assertErrorAt(yaml, "QQ-CA:", "'QQ-CA'", "QQ is not an ISO 3166-1 country code");
    }

    @Test
    void subdivisionOfUkSuggestsGb() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    subdivisions:
                      UK-SCT: [london]
                """);
        assertErrorAt(yaml, "UK-SCT:", "'UK-SCT'", "did you mean GB-SCT?");
    }

    // ---- every mistake of a file, not only the first ----

    @Test
    void everyMistakeInGeoYamlIsReportedInFileOrder() {
        String yaml = geo("""
                locations:
                  london:
                    coordinates: [151.507, -0.128]
                    nodes:
                      lon-1: { ipv4: 192.0.2.11 }
                  frankfurt:
                    coordinates: [50.110, 8.682]
                    nodes:
                      fra-1: { ipv4: 192.0.2.300 }
                      fra-2: { ipv4: 192.0.2.22 }
                names:
                  app.example.com:
                    countries:
                      UK: [london]
                      FR: [frankfurt]
                    subdivisions:
                      UK-SCT: [london]
                  api.example.com:
                    unknown: [paris]
                  app.example.org: {}
                """);
        Zones.Read read = Zones.read(dir);
        assertEquals(List.of(lineOf(yaml, "151.507"), lineOf(yaml, "192.0.2.300"), lineOf(yaml, "UK:"),
                        lineOf(yaml, "UK-SCT:"), lineOf(yaml, "paris"), lineOf(yaml, "app.example.org")),
                read.errors().stream().map(ConfigError::line).toList(), () -> "errors: " + read.errors());
        assertTrue(read.errors().stream().allMatch(e -> e.file().equals(geoFile.toString())),
                () -> "errors: " + read.errors());
    }

    @Test
    void aNameUsingALocationWithAMistakeIsNotReportedToo() {
        String yaml = geo(LOCATIONS.replace("[50.110, 8.682]", "[50.110, 188.682]") + """
                names:
                  app.example.com:
                    locations: [frankfurt]
                    unknown: [frankfurt]
                """);
        assertErrorAt(yaml, "188.682", "longitude");
    }

    @Test
    void maxAnswersOfZeroIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    max-answers: 0
                """);
        assertErrorAt(yaml, "max-answers", "max-answers");
    }

    @Test
    void negativeTtlIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    ttl: -5
                """);
        assertErrorAt(yaml, "ttl: -5", "ttl");
    }

    // ---- geo names and the zones ----

    @Test
    void geoNameOutsideEveryZoneIsAnErrorAtTheName() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com: {}
                  app.example.org: {}
                """);
        assertErrorAt(yaml, "app.example.org", "app.example.org", "outside every zone");
    }

    @Test
    void geoNameCollidingWithZoneDataIsAnErrorNamingTheZoneFileAndLine() {
        String yaml = geo(LOCATIONS + """
                names:
                  www.example.com:
                    ttl: 30
                """);
        ConfigError error = assertErrorAt(yaml, "www.example.com", "www.example.com", "collides");
        assertTrue(error.reason().contains(zoneFile + ":6"), () -> "should name the zone's www line: " + error);
    }

    @Test
    void geoNameCollidingWithTheDelegationPointIsAnError() {
        String yaml = geo(LOCATIONS + "names:\n  sub.example.com: {}\n");
        ConfigError error = assertErrorAt(yaml, "sub.example.com", "sub.example.com");
        assertTrue(error.reason().contains(zoneFile + ":7"), () -> "should name the zone's NS line: " + error);
    }

    @Test
    void geoNameInsideADelegationIsAnErrorNamingTheDelegation() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com: {}
                  app.sub.example.com: {}
                """);
        ConfigError error = assertErrorAt(yaml, "app.sub.example.com", "app.sub.example.com", "delegation",
                "sub.example.com");
        assertTrue(error.reason().contains(zoneFile + ":7"), () -> "should name the zone's NS line: " + error);
    }

    @Test
    void wildcardGeoNameIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  "*.example.com": {}
                """);
        assertErrorAt(yaml, "*.example.com", "wildcard");
    }

    @Test
    void sameGeoNameWrittenTwiceIsAnErrorAtTheSecond() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    ttl: 30
                  app.example.com.:
                    ttl: 60
                """);
        assertErrorAt(yaml, "app.example.com.:", "app.example.com");
    }

    @Test
    void everyBadGeoNameIsReported() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.org: {}
                  www.example.com: {}
                """);
        Zones.Read read = Zones.read(dir);
        assertEquals(List.of(lineOf(yaml, "app.example.org"), lineOf(yaml, "www.example.com")),
                read.errors().stream().map(ConfigError::line).toList(), () -> "errors: " + read.errors());
    }

    @Test
    void geoNameInAChildZoneWeAlsoServeIsNotInsideTheParentsDelegation() {
        Dns.write(dir, "sub.example.com.zone", """
                $ORIGIN sub.example.com.
                $TTL 300
                @    IN SOA ns admin 1 7200 900 1209600 300
                @    IN NS  ns
                ns   IN A   192.0.2.1
                """);
        geo(LOCATIONS + "names:\n  app.sub.example.com: {}\n");
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
    }

    // ---- YAML itself ----

    @Test
    void badYamlSyntaxIsAnErrorAtItsLine() {
        String yaml = geo(LOCATIONS.replace("    coordinates: [50.110, 8.682]",
                "    coordinates: [50.110, 8.682]: oops"));
        assertErrorAt(yaml, "oops", "YAML");
    }

    @Test
    void tabIndentationIsAnErrorAtItsLine() {
        String yaml = geo(LOCATIONS.replace("    coordinates: [50.110, 8.682]", "\tcoordinates: [50.110, 8.682]"));
        ConfigError error = onlyError();
        assertEquals(lineOf(yaml, "\tcoordinates"), error.line(), () -> "error: " + error);
    }

    @Test
    void emptyFileIsAnError() {
        geo("# nothing yet\n");
        assertTrue(onlyError().reason().contains("empty"));
    }

    @Test
    void locationsThatAreAListAreAnError() {
        String yaml = geo("locations:\n  - london\n");
        assertErrorAt(yaml, "- london", "mapping");
    }

    // ---- health values (checked when a node is probed) ----

    @Test
    void expectThatIsNotAStatusIsAnError() {
        String yaml = geo(PROBED.formatted("  expect: abc"));
        assertErrorAt(yaml, "expect: abc", "expect", "'abc'");
    }

    @Test
    void expectRangeThatEndsBeforeItStartsIsAnError() {
        String yaml = geo(PROBED.formatted("  expect: 399-200"));
        assertErrorAt(yaml, "expect: 399-200", "expect");
    }

    @Test
    void intervalInMinutesIsAnError() {
        String yaml = geo(PROBED.formatted("  interval: 5 minutes"));
        assertErrorAt(yaml, "5 minutes", "interval", "'5 minutes'");
    }

    @Test
    void timeoutBelowTenMillisecondsIsAnError() {
        String yaml = geo(PROBED.formatted("  timeout: 5ms"));
        assertErrorAt(yaml, "timeout: 5ms", "timeout");
    }

    @Test
    void fallOfZeroIsAnError() {
        String yaml = geo(PROBED.formatted("  fall: 0"));
        assertErrorAt(yaml, "fall: 0", "fall", "'0'");
    }

    @Test
    void fractionalFallIsAnError() {
        String yaml = geo(PROBED.formatted("  fall: 2.5"));
        assertErrorAt(yaml, "fall: 2.5", "fall");
    }

    @Test
    void riseThatIsNotANumberIsAnError() {
        String yaml = geo(PROBED.formatted("  rise: twice"));
        assertErrorAt(yaml, "rise: twice", "rise");
    }

    @Test
    void jitterOfOneIsAnError() {
        String yaml = geo(PROBED.formatted("  jitter: 1.5"));
        assertErrorAt(yaml, "jitter: 1.5", "jitter");
    }

    @Test
    void initialMaybeIsAnError() {
        String yaml = geo(PROBED.formatted("  initial: maybe"));
        assertErrorAt(yaml, "initial: maybe", "initial", "'maybe'");
    }

    @Test
    void insecureSometimesIsAnError() {
        String yaml = geo(PROBED.formatted("  insecure: sometimes"));
        assertErrorAt(yaml, "insecure: sometimes", "insecure");
    }

    @Test
    void ftpUrlIsAnErrorAtTheUrl() {
        String yaml = geo(PROBED.replace("http://{ip}:8080/ping", "ftp://x").formatted(""));
        assertErrorAt(yaml, "ftp://x", "ftp://x", "http");
    }

    @Test
    void urlWithoutAHostIsAnError() {
        String yaml = geo(PROBED.replace("http://{ip}:8080/ping", "http:///ping").formatted(""));
        assertErrorAt(yaml, "http:///ping", "url");
    }

    @Test
    void badValueInANodesOwnHealthIsReportedAtThatLine() {
        String yaml = geo(PROBED.formatted("").replace("lon-1: { ipv4: 192.0.2.11 }",
                "lon-1: { ipv4: 192.0.2.11, health: { fall: -1 } }"));
        assertErrorAt(yaml, "fall: -1", "fall");
    }

    @Test
    void badValueInALocationsHealthIsReportedAtThatLine() {
        String yaml = geo(PROBED.formatted("").replace("    coordinates: [51.507, -0.128]",
                "    coordinates: [51.507, -0.128]\n    health:\n      interval: soon"));
        assertErrorAt(yaml, "interval: soon", "interval", "'soon'");
    }

    @Test
    void healthThatIsNotAMappingIsAnError() {
        String yaml = geo(PROBED.formatted("").replace("lon-1: { ipv4: 192.0.2.11 }",
                "lon-1: { ipv4: 192.0.2.11, health: fast }"));
        assertErrorAt(yaml, "health: fast", "mapping");
    }
}
