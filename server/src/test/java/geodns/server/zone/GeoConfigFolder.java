package geodns.server.zone;

import geodns.server.config.ConfigError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Dns;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder with a zone and a geo.yaml for the tests of geo.yaml's errors: {@link Zones#read} must reject it with
 * {@code geo.yaml:<line>: reason}, the line being the one that holds the mistake. Expected lines are found by a
 * marker in the text, so each test states where the mistake is rather than counting lines.
 */
abstract class GeoConfigFolder {
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

    String geo(String yaml) {
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
    ConfigError onlyError() {
        Zones.Read read = Zones.read(dir);
        assertFalse(read.ok(), "the folder must be rejected");
        assertNull(read.sources(), "nothing is served from a folder with errors");
        assertEquals(1, read.errors().size(), () -> "errors: " + read.errors());
        ConfigError error = read.errors().get(0);
        assertEquals(geoFile.toString(), error.file(), () -> "error: " + error);
        return error;
    }

    /** The single error is at the line of {@code marker} and its reason mentions each word. */
    ConfigError assertErrorAt(String yaml, String marker, String... words) {
        ConfigError error = onlyError();
        assertEquals(lineOf(yaml, marker), error.line(), () -> "error: " + error);
        for (String word : words) {
            assertTrue(error.reason().contains(word), () -> "'" + error.reason() + "' should mention '" + word + "'");
        }
        return error;
    }
}
