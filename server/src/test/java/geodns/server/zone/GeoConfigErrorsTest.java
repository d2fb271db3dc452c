package geodns.server.zone;

import geodns.server.config.YamlReader;
import geodns.server.config.ConfigError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A geo.yaml as a file: bytes that are not a config, the baseline, YAML itself, every mistake reported. */
class GeoConfigErrorsTest extends GeoConfigFolder {
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

}
