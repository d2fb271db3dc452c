package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.geoip.GeoDatabase;
import geodns.geoip.testing.MmdbWriter;
import geodns.server.config.ConfigError;
import geodns.server.testing.Dns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is valid but likely a mistake is a warning: the folder loads ({@link Zones.Read#ok()}), and the warning is
 * {@code file:line: reason} like an error. {@code check} prints them, a load logs them.
 */
class ConfigWarningsTest {
    /** example.com with its name server ns at 192.0.2.11, the address of the node lon-1 of {@link #GEO}. */
    static final String ZONE = """
            $ORIGIN example.com.
            $TTL 300
            @    IN SOA ns admin 1 7200 900 1209600 300
            @    IN NS  ns
            ns   IN A   192.0.2.11
            """;

    static final String GEO = """
            locations:
              london:
                coordinates: [51.507, -0.128]
                nodes:
                  lon-1: { ipv4: 192.0.2.11 }
            names:
              app.example.com:
                unknown: [london]
            """;

    @TempDir
    Path dir;

    private Path zone(String text) {
        return Dns.write(dir, "example.com.zone", text);
    }

    private Path geo(String text) {
        return Dns.write(dir, "geo.yaml", text);
    }

    /** The warnings of a folder that must load, with no GeoIP database to consider. */
    private List<ConfigError> warnings() {
        return warnings(null);
    }

    private List<ConfigError> warnings(GeoDatabase database) {
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "a warning never refuses a load: " + read.errors());
        return read.sources().warnings(database);
    }

    private static ConfigError only(List<ConfigError> warnings) {
        assertEquals(1, warnings.size(), () -> "warnings: " + warnings);
        return warnings.get(0);
    }

    @Test
    void zoneWhoseNameServersAreNodesOfGeoYamlHasNoWarnings() {
        zone(ZONE);
        geo(GEO);
        assertEquals(List.of(), warnings());
    }

    @Test
    void geoYamlWithoutNamesLoadsWithAWarning() {
        zone(ZONE);
        Path file = geo(GEO.substring(0, GEO.indexOf("names:")));
        ConfigError warning = only(warnings());
        assertEquals(file.toString(), warning.file());
        assertEquals(1, warning.line());
        assertTrue(warning.reason().contains("no geo names"), warning::toString);
    }

    @Test
    void geoYamlWithAnEmptyNamesSectionWarnsAtIt() {
        zone(ZONE);
        geo(GEO.substring(0, GEO.indexOf("names:")) + "names: {}\n");
        assertEquals(6, only(warnings()).line());
    }

    @Test
    void subdivisionsWithTheEmbeddedCountryDatabaseAreAWarningAtTheirLine() throws IOException {
        zone(ZONE);
        Path file = geo(GEO + "    subdivisions: { US-CA: [london] }\n");
        try (GeoDatabase embedded = GeoDatabase.embedded()) {
            ConfigError warning = only(warnings(embedded));
            assertEquals(new ConfigError(file.toString(), 9, "the subdivisions of app.example.com. never match: the"
                    + " GeoIP database (" + embedded.description() + ") has no subdivisions; give a City database"
                    + " with --geoip"), warning);
        }
    }

    @Test
    void subdivisionsWithACityDatabaseAreNoWarning() throws IOException {
        zone(ZONE);
        geo(GEO + "    subdivisions: { US-CA: [london] }\n");
        Path mmdb = new MmdbWriter("GeoLite2-City")
                .add("127.1.0.0/16", MmdbWriter.city(37.77, -122.42, "US", "NA", "CA"))
                .write(dir.resolve("city.mmdb.bin"));
        try (GeoDatabase city = GeoDatabase.open(mmdb)) {
            assertEquals(List.of(), warnings(city));
        }
    }

    @Test
    void apexNameServerWithoutAnAddressIsAWarningAtItsNsLine() {
        Path file = zone(ZONE.replace("ns   IN A   192.0.2.11\n", ""));
        ConfigError warning = only(warnings());
        assertEquals(file.toString(), warning.file());
        assertEquals(4, warning.line());
        assertTrue(warning.reason().contains("name server ns.example.com. has no address"), warning::toString);
    }

    @Test
    void delegationToAnInZoneNameServerWithoutGlueIsAWarningAtItsNsLine() {
        zone(ZONE + "sub  IN NS  ns.sub\n");
        ConfigError warning = only(warnings());
        assertEquals(6, warning.line());
        assertTrue(warning.reason().contains("ns.sub.example.com. of the delegation sub.example.com. has no glue"),
                warning::toString);
    }

    @Test
    void delegationWithGlueIsNoWarning() {
        zone(ZONE + "sub  IN NS  ns.sub\nns.sub IN A 198.51.100.1\n");
        assertEquals(List.of(), warnings());
    }

    @Test
    void apexNameServerAtAnAddressThatIsNoNodeIsAWarning() {
        zone(ZONE + "@    IN NS  ns2\nns2  IN AAAA 2001:db8::53\n");
        geo(GEO);
        ConfigError warning = only(warnings());
        assertEquals(6, warning.line());
        assertTrue(warning.reason().contains("ns2.example.com. has the address 2001:db8::53, which is no node of"
                + " geo.yaml"), warning::toString);
    }

    @Test
    void nameServerWithSeveralAddressesThatAreNoNodesIsOneWarning() {
        zone(ZONE + "@    IN NS  ns2\nns2  IN A 198.51.100.53\nns2  IN AAAA 2001:db8::53\n");
        geo(GEO);
        assertTrue(only(warnings()).reason().contains("ns2.example.com. has the addresses 198.51.100.53,"
                + " 2001:db8::53, which are no node of geo.yaml"));
    }

    @Test
    void nameServersAreNotComparedWithNodesWithoutGeoYaml() {
        zone(ZONE + "@    IN NS  ns2\nns2  IN AAAA 2001:db8::53\n");
        assertEquals(List.of(), warnings());
    }

    @Test
    void nameServerThatIsAGeoNameIsNoWarning() {
        zone(ZONE + "@    IN NS  app\n");
        geo(GEO);
        assertEquals(List.of(), warnings());
    }

    @Test
    void nameServersOutsideTheZoneAreNotChecked() {
        zone(ZONE + "@    IN NS  ns1.provider.net.\n");
        geo(GEO);
        assertEquals(List.of(), warnings());
    }

    @Test
    void zoneDataAtAGeoNamesWhyNameIsAWarningAtItsRecord() {
        Path file = zone(ZONE + "_why.app IN TXT \"ours\"\n");
        geo(GEO);
        ConfigError warning = only(warnings());
        assertEquals(file.toString(), warning.file());
        assertEquals(6, warning.line());
        assertTrue(warning.reason().contains("_why.app.example.com. TXT answers it, not the why query"),
                warning::toString);
    }

    @Test
    void wildcardRightUnderAGeoNameIsAWarningAsItWouldAnswerTheWhyName() {
        zone(ZONE + "*.app IN TXT \"ours\"\n");
        geo(GEO);
        assertTrue(only(warnings()).reason().contains("*.app.example.com. is zone data"));
    }

    @Test
    void zoneDataAtTheWhyNameOfANameWithWhyOffIsNoWarning() {
        zone(ZONE + "_why.app IN TXT \"ours\"\n");
        geo(GEO + "    why: off\n");
        assertEquals(List.of(), warnings());
    }
}
