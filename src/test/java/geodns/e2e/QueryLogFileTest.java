package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Checks;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query log on a real file: rotated to FILE.1 at --query-log-max-size, and reopened on SIGHUP after it was
 * moved away (logrotate's way) or deleted.
 */
@ExtendWith(ServerLogOnFailure.class)
class QueryLogFileTest {
    private static final Duration WRITTEN_WITHIN = Duration.ofSeconds(10);
    private static final Duration STEP = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private GeodnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void ask(String name) {
        Checks.rcode(Via.DNSJAVA_UDP.ask(server, Ask.of(name, "A")), "NXDOMAIN");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitLogged(Path file, String name) {
        Poll.until(WRITTEN_WITHIN, STEP, name + " in " + file, () -> lines(file),
                l -> l.stream().anyMatch(line -> line.contains("\"name\":\"" + name + ".\"")));
    }

    @Test
    void theLogIsMovedToFileDotOneWhenItReachesItsMaximumSize() throws IOException {
        Path log = dir.resolve("queries.log");
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--query-log", log.toString(),
                "--query-log-max-size", "4K");
        for (int i = 0; i < 60; i++) {
            ask("q" + i + ".example.com");
        }
        awaitLogged(log, "q59.example.com");
        Path rotated = dir.resolve("queries.log.1");
        assertTrue(Files.size(rotated) <= 4096 && Files.size(log) <= 4096,
                () -> "both within 4 KiB: " + rotated + " " + size(rotated) + ", " + log + " " + size(log));
        assertTrue(Files.size(rotated) > 4096 - 200, "rotated only when the next entry would not fit");
        assertEquals(List.of("queries.log", "queries.log.1"), Files.list(dir).map(p -> p.getFileName().toString())
                .sorted().toList(), "one rotated file is kept");
        assertEquals("{\"time\":", lines(log).get(0).substring(0, 8), "whole lines in each file");
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void aLogMovedAwayIsReopenedOnSighup() throws IOException {
        Path log = dir.resolve("queries.log");
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--query-log", log.toString());
        ask("before.example.com");
        awaitLogged(log, "before.example.com");
        Path moved = dir.resolve("queries.log.old");
        Files.move(log, moved);

        Signals.hangUp(server);
        Poll.until(WRITTEN_WITHIN, STEP, "a new " + log, () -> {
            ask("after.example.com");
            return Files.exists(log);
        }, Boolean::booleanValue);
        // Queries asked before the writer saw the signal may still have gone to the moved file; later ones not.
        ask("later.example.com");
        awaitLogged(log, "later.example.com");
        assertFalse(lines(moved).stream().anyMatch(l -> l.contains("later.example.com")),
                "nothing more goes to the moved file once it is reopened");
    }

    @Test
    void aDeletedLogIsMadeAgainOnSighup() throws IOException {
        Path log = dir.resolve("queries.log");
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--query-log", log.toString());
        ask("before.example.com");
        awaitLogged(log, "before.example.com");
        Files.delete(log);

        Signals.hangUp(server);
        Poll.until(WRITTEN_WITHIN, STEP, "a new " + log, () -> {
            ask("after.example.com");
            return Files.exists(log);
        }, Boolean::booleanValue);
        awaitLogged(log, "after.example.com");
    }
}
