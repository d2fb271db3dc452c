package geodns.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query log's file: written, and written again once a full disk has room (here /dev/full, then a file). */
class QueryLogTest {
    @TempDir
    Path dir;

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void droppedEntriesAreCountedInAMetric() throws Exception {
        Path file = dir.resolve("queries.log");
        Files.createSymbolicLink(file, Path.of("/dev/full"));  // every write fails: the entry is dropped
        Metrics metrics = new Metrics();
        try (QueryLog log = new QueryLog(file, 1, 0, 100)) {
            metrics.queryLog(log);
            log.log("192.0.2.1", false, "full.example.com.", 1, 0, null, 0);
            await("the dropped entry is counted at /metrics",
                    () -> metrics.scrape().lines().anyMatch(l -> l.matches("geodns_query_log_dropped_total [1-9].*")));
            assertTrue(metrics.scrape().contains("# HELP geodns_query_log_dropped_total "), metrics.scrape());
        }
    }

    @Test
    void afterAWriteErrorTheLogIsReopenedAndResumesOnceTheDiskHasRoom() throws Exception {
        Path file = dir.resolve("queries.log");
        Files.createSymbolicLink(file, Path.of("/dev/full"));  // every write: ENOSPC, as on a full disk
        try (QueryLog log = new QueryLog(file, 1, 0, 100)) {
            log.log("192.0.2.1", false, "full.example.com.", 1, 0, null, 0);
            await("the entry written into a full disk is dropped", () -> log.dropped() >= 1);

            Files.delete(file);  // room again: the next open makes a regular file
            await("entries are written again", () -> {
                log.log("192.0.2.2", false, "again.example.com.", 1, 0, null, 0);
                return lines(file).stream().anyMatch(l -> l.contains("again.example.com."));
            });
        }
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void theLogMovesToFileDotOneWhenTheNextEntryWouldPassTheSize() throws Exception {
        Path file = dir.resolve("queries.log");
        try (QueryLog log = new QueryLog(file, 1, 4096, 100)) {
            for (int i = 0; i < 100; i++) {
                log.log("192.0.2.1", false, "q" + i + ".example.com.", 1, 0, null, 0);
            }
            await("the hundredth entry is written", () -> lines(file).stream().anyMatch(l -> l.contains("q99.")));
        }
        Path rotated = dir.resolve("queries.log.1");
        assertTrue(Files.size(rotated) <= 4096 && Files.size(file) <= 4096, "each file within the size");
        assertTrue(Files.size(rotated) > 4096 - 200, "rotated only when the next entry would not fit");
        assertEquals(List.of("queries.log", "queries.log.1"), Files.list(dir).map(p -> p.getFileName().toString())
                .sorted().toList(), "one rotated file is kept");
    }
}
