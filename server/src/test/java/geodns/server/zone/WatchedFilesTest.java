package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.Fingerprint;
import geodns.server.config.Inputs;
import geodns.server.testing.Dns;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which changes call for a reload: those to the files a load reads (the folder's zone files, geo.yaml,
 * transfer.yaml, and what they name), and no others, so a log or an editor's backup in the folder changes
 * nothing. Each test loads the folder, changes one file, and compares the watched files' stamps.
 */
class WatchedFilesTest {
    private static final String ZONE = ZoneErrorsTest.HEAD + "www IN A 192.0.2.2\n";
    private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtMzItYnl0ZXMhIQ==";

    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    private Inputs load() {
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        return read.inputs();
    }

    private Fingerprint stamps(Inputs watched) {
        return Fingerprint.of(dir, watched.files()).only(watched);
    }

    /** Whether writing {@code text} to {@code file} (in the zones folder) after the load calls for a reload. */
    private boolean reloads(Inputs watched, String file, String text) {
        Fingerprint before = stamps(watched);
        Dns.write(dir, file, text);
        return !stamps(watched).equals(before);
    }

    @Test
    void aLogWrittenIntoTheZonesFolderDoesNotCallForAReload() {
        Dns.write(dir, "example.com.zone", ZONE);
        assertFalse(reloads(load(), "geodns.log", "started\n"));
    }

    @Test
    void anEditorsBackupAndSwapFileDoNotCallForAReload() {
        Dns.write(dir, "example.com.zone", ZONE);
        Inputs watched = load();
        assertFalse(reloads(watched, "example.com.zone~", ZONE));
        assertFalse(reloads(watched, ".example.com.zone.swp", "swap"));
    }

    @Test
    void anEditedZoneFileCallsForAReload() {
        Dns.write(dir, "example.com.zone", ZONE);
        assertTrue(reloads(load(), "example.com.zone", ZONE + "ftp IN A 192.0.2.3\n"));
    }

    @Test
    void aNewZoneFileCallsForAReload() {
        Dns.write(dir, "example.com.zone", ZONE);
        assertTrue(reloads(load(), "example.org.zone", ZONE.replace("example.com.", "example.org.")));
    }

    @Test
    void aNewGeoConfigCallsForAReload() {
        Dns.write(dir, "example.com.zone", ZONE);
        assertTrue(reloads(load(), "geo.yaml", "locations: {}\n"));
    }

    @Test
    void anEditedIncludedFileCallsForAReload() {
        Dns.write(dir, "example.com.zone", ZONE + "$INCLUDE inc/hosts.inc\n");
        Dns.write(dir, "inc/hosts.inc", "ftp IN A 192.0.2.3\n");
        Inputs watched = load();
        assertTrue(reloads(watched, "inc/hosts.inc", "ftp IN A 192.0.2.3\nmail IN A 192.0.2.4\n"));
        assertFalse(reloads(watched, "inc/notes.txt", "not included\n"));
    }

    @Test
    void aSecretFileOutsideTheFolderIsWatched() {
        Path secret = Dns.write(elsewhere, "tsig.secret", SECRET + "\n");
        Dns.write(dir, "example.com.zone", ZONE);
        Dns.write(dir, "transfer.yaml", """
                keys:
                  secondary: { secret-file: %s }
                zones:
                  example.com: { allow: [127.0.0.1], key: secondary }
                """.formatted(secret));
        Inputs watched = load();
        assertTrue(watched.test(secret));
        Fingerprint before = stamps(watched);
        Dns.write(elsewhere, "tsig.secret", SECRET + "\n\n");
        assertNotEquals(before, stamps(watched));
    }

    @Test
    void afterAFailedLoadAnyFileCallsForAReload() {
        Dns.write(dir, "example.com.zone", ZONE + "$INCLUDE inc/hosts.inc\n");
        Zones.Read read = Zones.read(dir);
        assertFalse(read.ok());
        assertEquals(true, read.inputs().everything());
        assertTrue(reloads(read.inputs(), "inc/hosts.inc", "ftp IN A 192.0.2.3\n"));
    }

    @Test
    void aChmodThatMakesAFileReadableCallsForAReload() throws java.io.IOException {
        Dns.write(dir, "example.com.zone", ZONE);
        Inputs watched = load();
        Path zone = dir.resolve("example.com.zone");
        Fingerprint before = stamps(watched);
        // Size and modification time stay; only the change time moves (what fixing an unreadable file does).
        java.nio.file.Files.setPosixFilePermissions(zone, java.nio.file.attribute.PosixFilePermissions
                .fromString("rw-------"));
        assertNotEquals(before, stamps(watched));
    }
}
