package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Cli;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error the server prints is {@code file:line: reason} or, when no line is to blame, {@code file: reason}:
 * never a Java stack trace, never "line 0", and a listener that cannot bind names its option and address.
 */
@ExtendWith(ServerLogOnFailure.class)
class ErrorsNameFileAndLineTest {
    @TempDir
    Path dir;

    private Path zones() throws IOException {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Files.copy(GeodnsServer.exampleZones().resolve("example.com.zone"), zones.resolve("example.com.zone"));
        return zones;
    }

    /** The example zone has 108 lines; what is appended starts at line 109. */
    private static void append(Path file, String text) throws IOException {
        ConfigFiles.replace(file, Files.readString(file) + text);
    }

    private static void assertNoJavaInternals(Cli.Result result) {
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception"), result::toString);
        assertFalse(result.stderr().contains(":0:"), () -> "no line 0: " + result);
    }

    @Test
    void txtDataOver65535BytesIsAnErrorAtItsLineNotAStackTrace() throws IOException {
        Path zones = zones();
        append(zones.resolve("example.com.zone"), "huge IN TXT (" + (" \"" + "z".repeat(255) + "\"\n").repeat(260)
                + ")\n");
        Cli.Result result = Cli.run(60, "check", "--zones", zones.toString());
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith(zones.resolve("example.com.zone") + ":109: TXT record data of 66560"
                + " bytes, more than the 65535 a record can hold\n"), result::toString);
        assertNoJavaInternals(result);
    }

    @Test
    void anIncludeLoopNamesTheFilesOfTheLoopAtTheIncludeLine() throws IOException {
        Path zones = zones();
        append(zones.resolve("example.com.zone"), "$INCLUDE b.inc\n");
        ConfigFiles.replace(zones.resolve("b.inc"), "b IN A 192.0.2.9\n$INCLUDE example.com.zone\n");
        Cli.Result result = Cli.run(60, "check", "--zones", zones.toString());
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith(zones.resolve("example.com.zone") + ":109: $INCLUDE loop: example.com.zone -> b.inc"
                + " -> example.com.zone\n"), result::toString);
        assertNoJavaInternals(result);
    }

    @Test
    void anEmptyFolderIsAnErrorOfTheFolder() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli.Result result = Cli.run(60, "check", "--zones", empty.toString());
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith(empty + ": no *.zone files\n"), result::toString);
        assertNoJavaInternals(result);
    }

    /** Run as nobody: root reads any file whatever its mode. */
    @Test
    void anUnreadableZoneFileIsAnErrorOfThatFile() throws Exception {
        Path zones = zones();
        Files.copy(zones.resolve("example.com.zone"), zones.resolve("example.net.zone"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(zones, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(zones.resolve("example.com.zone"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(zones.resolve("example.net.zone"), PosixFilePermissions.fromString("---------"));
        Process check = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                GeodnsServer.javaBinary(), "-jar", GeodnsServer.jar().toString(), "check", "--zones",
                zones.toString()).redirectErrorStream(true).start();
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "check exits");
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, check.exitValue(), output);
        List<String> errors = output.lines().filter(l -> l.contains("example.net.zone")).toList();
        assertEquals(List.of(zones.resolve("example.net.zone") + ": cannot read: permission denied"), errors, output);
        assertFalse(output.contains(":0:") || output.contains("Exception"), output);
    }

    @Test
    void aDnsAddressInUseIsNamedByItsOption() {
        try (GeodnsServer first = GeodnsServer.start()) {
            String taken = first.dns().getAddress().getHostAddress() + ":" + first.dns().getPort();
            int http = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
            Cli.Result second = Cli.run(60, "serve", "--zones", GeodnsServer.exampleZones().toString(), "--dns", taken,
                    "--http", "127.0.0.1:" + http);
            assertEquals(1, second.exitCode(), second::toString);
            assertTrue(second.stderr().contains("--dns " + taken + ": address already in use\n"), second::toString);
        }
    }

    @Test
    void anHttpAddressInUseIsNamedByItsOption() {
        try (GeodnsServer first = GeodnsServer.start()) {
            String taken = "127.0.0.1:" + first.http().getPort();
            int dns = GeodnsServer.freePort(GeodnsServer.LOOPBACK, true);
            Cli.Result second = Cli.run(60, "serve", "--zones", GeodnsServer.exampleZones().toString(), "--dns",
                    "127.0.0.1:" + dns, "--http", taken);
            assertEquals(1, second.exitCode(), second::toString);
            assertTrue(second.stderr().contains("--http " + taken + ": address already in use\n"), second::toString);
        }
    }
}
