package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import geodns.server.testing.Dns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link in the zones folder that exists but cannot be followed (dangling, or a loop) is an error that names the
 * file and why, never a file that is absent: absent, geo.yaml means no geo names and a zone file means no zone,
 * and a reload would drop them "ok".
 */
class UnfollowableLinksTest {
    private static final String ZONE = ZoneErrorsTest.HEAD + "www IN A 192.0.2.2\n";

    @TempDir
    Path dir;

    private List<String> errors() {
        Zones.Read read = Zones.read(dir);
        return read.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void aDanglingGeoConfigLinkIsAnError() throws IOException {
        Dns.write(dir, "example.com.zone", ZONE);
        Files.createSymbolicLink(dir.resolve("geo.yaml"), Path.of("..data/geo.yaml"));
        assertEquals(List.of(dir.resolve("geo.yaml") + ": a link to ..data/geo.yaml, which does not exist"),
                errors());
    }

    @Test
    void aLoopingZoneFileLinkIsAnError() throws IOException {
        Dns.write(dir, "example.com.zone", ZONE);
        Files.createSymbolicLink(dir.resolve("example.org.zone"), Path.of("example.org.zone"));
        List<String> errors = errors();
        assertEquals(1, errors.size(), () -> "errors: " + errors);
        assertTrue(errors.get(0).startsWith(dir.resolve("example.org.zone")
                + ": a link that cannot be followed (example.org.zone): "), errors.get(0));
        assertTrue(errors.get(0).contains("symbolic links"), errors.get(0));
    }

    @Test
    void aDanglingTransferConfigLinkIsAnError() throws IOException {
        Dns.write(dir, "example.com.zone", ZONE);
        Files.createSymbolicLink(dir.resolve("transfer.yaml"), dir.resolve("gone/transfer.yaml"));
        assertEquals(List.of(dir.resolve("transfer.yaml") + ": a link to " + dir.resolve("gone/transfer.yaml")
                + ", which does not exist"), errors());
    }

    @Test
    void linksThatCanBeFollowedLoadAsTheirFiles() throws IOException {
        Path data = Files.createDirectories(dir.resolve("..2026_12_07_00_00_00.123"));
        Dns.write(data, "example.com.zone", ZONE);
        Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(dir.resolve("example.com.zone"), Path.of("..data/example.com.zone"));
        assertEquals(List.of(), errors());
    }
}
