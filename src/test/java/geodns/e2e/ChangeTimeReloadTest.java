package geodns.e2e;

import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.ServerLogOnFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poll watches a file's change time too: a {@code chmod} that makes an unreadable zone file readable changes
 * neither its size nor its modification time, and must still start a reload (which then reads the file). As root
 * the server reads a file whatever its mode, so the test shows the reload the chmod starts.
 */
@ExtendWith(ServerLogOnFailure.class)
class ChangeTimeReloadTest {
    @TempDir
    Path dir;
    private GeodnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aChmodOfAZoneFileStartsAReload() throws IOException {
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), GeoServer.GEO_YAML);
        Path zone = zones.resolve("example.com.zone");
        Files.setPosixFilePermissions(zone, PosixFilePermissions.fromString("---------"));
        server = GeodnsServer.start(zones);
        Files.setPosixFilePermissions(zone, PosixFilePermissions.fromString("rw-r--r--"));
        Poll.until(Duration.ofSeconds(6), Duration.ofMillis(100), "a reload after the chmod",
                () -> PromScrape.of(server).find("geodns_reloads_total", "result", "ok").orElse(0), n -> n >= 1);
    }
}
