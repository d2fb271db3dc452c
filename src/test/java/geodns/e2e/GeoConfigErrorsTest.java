package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Cli;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A mistake in geo.yaml: {@code check} prints {@code geo.yaml:LINE: reason} and exits 1; {@code serve} exits 1. */
@ExtendWith(ServerLogOnFailure.class)
class GeoConfigErrorsTest {
    private static final String LOOPBACK = GeodnsServer.LOOPBACK.getHostAddress();

    /** A valid geo config; each case below replaces one of its lines. */
    private static final List<String> VALID = List.of(
            "health:",                                         // 1
            "  url: \"http://{ip}:8080/ping\"",                // 2
            "  interval: 5s",                                  // 3
            "locations:",                                      // 4
            "  london:",                                       // 5
            "    coordinates: [51.507, -0.128]",               // 6
            "    nodes:",                                      // 7
            "      lon-1: { ipv4: 192.0.2.11 }",               // 8
            "  frankfurt:",                                    // 9
            "    coordinates: [50.110, 8.682]",                // 10
            "    nodes:",                                      // 11
            "      fra-1: { ipv4: 192.0.2.21 }",               // 12
            "names:",                                          // 13
            "  app.example.com:",                              // 14
            "    unknown: [london, frankfurt]");               // 15

    private static String withLine(int line, String text) {
        List<String> lines = new ArrayList<>(VALID);
        lines.set(line - 1, text);
        return String.join("\n", lines) + "\n";
    }

    /** Line, its replacement, and a word the reason must name. */
    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("unknown location", 15, "    unknown: [london, paris]", "paris"),
                Arguments.of("latitude out of range", 10, "    coordinates: [95.0, 8.682]", "95"),
                Arguments.of("node name used twice", 12, "      lon-1: { ipv4: 192.0.2.21 }", "lon-1"),
                Arguments.of("not an IPv4 address", 8, "      lon-1: { ipv4: 192.0.2.300 }", "192.0.2.300"),
                Arguments.of("geo name outside every zone", 14, "  app.example.org:", "app.example.org"),
                Arguments.of("geo name colliding with zone data", 14, "  www.example.com:", "www.example.com"),
                Arguments.of("probe interval not a duration", 3, "  interval: soon", "soon"),
                Arguments.of("probe url not http", 2, "  url: \"ftp://{ip}/ping\"", "ftp"));
    }

    private static Path zones(Path dir, String geoYaml) {
        return GeoWorld.writeZones(dir, GeoWorld.exampleZoneWithoutApp(), geoYaml);
    }

    private static void reported(Cli.Result result, int line, String word) {
        assertEquals(1, result.exitCode(), result::toString);
        Pattern expected = Pattern.compile("(^|/)geo\\.yaml:" + line + ": .*\\S");
        List<String> lines = Arrays.stream((result.stdout() + "\n" + result.stderr()).split("\n"))
                .filter(l -> expected.matcher(l).find()).toList();
        assertTrue(!lines.isEmpty(), () -> "a line 'geo.yaml:" + line + ": reason' in\n" + result);
        assertTrue(lines.stream().anyMatch(l -> l.toLowerCase(Locale.ROOT).contains(word)),
                () -> "the reason names '" + word + "':\n" + result);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void checkReportsTheFileAndLineOfTheMistakeAndExits1(String what, int line, String text, String word,
                                                         @TempDir Path dir) {
        Cli.Result result = Cli.run(60, "check", "--zones", zones(dir, withLine(line, text)).toString());
        reported(result, line, word);
    }

    @Test
    void checkPrintsEveryMistakeOfGeoYamlWithItsLineAndExits1(@TempDir Path dir) {
        List<String> lines = new ArrayList<>(VALID);
        lines.set(10 - 1, "    coordinates: [95.0, 8.682]");
        lines.set(12 - 1, "      fra-1: { ipv4: 192.0.2.300 }");
        lines.add("    countries: { UK: [london] }");                // 16
        lines.add("    subdivisions: { QQ-CA: [london] }");          // 17
        Cli.Result result = Cli.run(60, "check", "--zones", zones(dir, String.join("\n", lines) + "\n").toString());
        reported(result, 10, "95");
        reported(result, 12, "192.0.2.300");
        reported(result, 16, "did you mean gb?");
        reported(result, 17, "qq-ca");
        assertTrue(result.stderr().contains("4 error(s)"), result::toString);
    }

    @Test
    void serveRefusesToStartOnAMistakeInGeoYaml(@TempDir Path dir) {
        Path zones = zones(dir, withLine(15, "    unknown: [london, paris]"));
        Cli.Result result = Cli.run(60, "serve", "--zones", zones.toString(),
                "--dns", LOOPBACK + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, true),
                "--http", LOOPBACK + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, false));
        reported(result, 15, "paris");
    }

    @Test
    void checkAcceptsTheValidGeoConfig(@TempDir Path dir) {
        Cli.Result result = Cli.run(60, "check", "--zones", zones(dir, String.join("\n", VALID) + "\n").toString());
        assertEquals(0, result.exitCode(), result::toString);
    }
}
