package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process started with SIGHUP ignored (under nohup, or by a shell that trapped it) keeps it ignored: the JVM
 * installs no handler for it, and kill -HUP would reload nothing. geodns says so when it starts.
 */
class IgnoredSighupTest {
    private static final String WARNING = "SIGHUP is ignored by this process";

    @TempDir
    Path dir;

    @Test
    void aServerStartedWithSighupIgnoredWarnsAtStart() throws Exception {
        Path log = dir.resolve("server.log");
        String loopback = GeodnsServer.LOOPBACK.getHostAddress();
        // As nohup does: the shell ignores SIGHUP, and exec hands the ignored disposition on to java.
        Process process = new ProcessBuilder(List.of("sh", "-c", "trap '' HUP; exec \"$@\"", "sh",
                GeodnsServer.javaBinary(), "-jar", GeodnsServer.jar().toString(), "serve",
                "--zones", GeodnsServer.exampleZones().toString(),
                "--dns", loopback + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, true),
                "--http", loopback + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, false)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String output = Poll.until(Duration.ofSeconds(20), Duration.ofMillis(100), "the server ready",
                    () -> read(log), text -> text.contains(" ready") || !process.isAlive());
            assertTrue(output.contains(WARNING), () -> "the warning at start:\n" + output);
        } finally {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aServerStartedNormallyDoesNotWarn() {
        try (GeodnsServer server = GeodnsServer.start()) {
            assertFalse(server.log().contains(WARNING), server::log);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
