package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Checks;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.Dockerfile;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.Reply;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reloads under the heap the image gives (the Dockerfile's ENTRYPOINT flags, a 192 MiB container: 96 MiB of heap,
 * exit on OutOfMemoryError). Each input below ended a serving process on reload; now each is refused as
 * {@code file: reason} or {@code file:line: reason} while the old snapshot answers, and a zone at the documented
 * limit (docs/operations.md, "Limits") reloads again and again.
 */
@ExtendWith(ServerLogOnFailure.class)
class ReloadWithinTheHeapTest {
    /** The largest zone of 250-character TXT records docs/operations.md promises reloads under the image's heap. */
    static final int TXT_RECORDS_AT_THE_LIMIT = 15_000;
    private static final String OLD_WWW = "192.0.2.80";
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(60);
    private static final Duration STEP = Duration.ofMillis(200);
    private static final Pattern FILE_REASON = Pattern.compile(
            "reload failed, still serving the previous config: (\\S+?)(:\\d+)?: (.+)");

    @TempDir
    Path dir;
    private GeodnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The ENTRYPOINT's JVM flags but its class archive, in a 192 MiB container, as bench/perf.py runs them. */
    static List<String> imageJvmFlags() {
        List<String> flags = new ArrayList<>(List.of("-XX:MaxRAM=192m"));
        Dockerfile.REPOSITORY.entrypointJvmFlags().stream()
                .filter(f -> !f.startsWith("-XX:SharedArchiveFile=")).forEach(flags::add);
        return flags;
    }

    private Path exampleZones() throws IOException {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        try (Stream<Path> files = Files.list(GeodnsServer.exampleZones())) {
            for (Path f : files.toList()) {
                Files.copy(f, zones.resolve(f.getFileName()));
            }
        }
        return zones;
    }

    private static String exampleZone() {
        try {
            return Files.readString(GeodnsServer.exampleZones().resolve("example.com.zone"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The example zone and {@code count} TXT records of 250 characters, t0 to t{count-1}. */
    static String withTxtRecords(int count, String serial) {
        StringBuilder zone = new StringBuilder(exampleZone().replace("2026112301", serial));
        for (int i = 0; i < count; i++) {
            String text = String.format("%08d", i) + "y".repeat(242);
            zone.append('t').append(i).append(" IN TXT \"").append(text).append("\"\n");
        }
        return zone.toString();
    }

    /** The example zone and one TXT record of {@code strings} strings of 255 characters. */
    static String withOneTxtRecordOf(int strings) {
        StringBuilder zone = new StringBuilder(exampleZone()).append("huge IN TXT (");
        String string = " \"" + "z".repeat(255) + "\"";
        for (int i = 0; i < strings; i++) {
            zone.append(string).append(i % 8 == 7 ? "\n" : "");
        }
        return zone.append(" )\n").toString();
    }

    private double reloads(String result) {
        return PromScrape.of(server).find("geodns_reloads_total", "result", result).orElse(0);
    }

    private String www() {
        Reply reply = Via.DNSJAVA_UDP.ask(server, Ask.of("www.example.com", "A"));
        Checks.rcode(reply, "NOERROR");
        return String.join(",", GeoWorld.addresses(reply, "A"));
    }

    private static void mkfifo(Path path) {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo " + path);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void append(Path file, String text) {
        try {
            ConfigFiles.replace(file, Files.readString(file) + text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<Arguments> inputsThatEndedTheServer() {
        return Stream.of(
                Arguments.of("30,000 TXT records of 250 characters (7.7 MB)", "example.com.zone", "MiB of heap",
                        (Consumer<Path>) z -> ConfigFiles.replace(z.resolve("example.com.zone"),
                                withTxtRecords(30_000, "2026112302"))),
                Arguments.of("geo.yaml with a 1 MiB list under an unknown key", "geo.yaml", "YAML nodes",
                        (Consumer<Path>) z -> append(z.resolve("geo.yaml"),
                                "\njunk: [" + "1,".repeat(512 * 1024) + "1]\n")),
                Arguments.of("one TXT record of a 15.7 MB file", "example.com.zone", "more than the 65535",
                        (Consumer<Path>) z -> ConfigFiles.replace(z.resolve("example.com.zone"),
                                withOneTxtRecordOf(61_000))),
                Arguments.of("$INCLUDE /dev/zero", "example.com.zone", "$INCLUDE /dev/zero: not a regular file",
                        (Consumer<Path>) z -> append(z.resolve("example.com.zone"), "$INCLUDE /dev/zero\n")),
                Arguments.of("$INCLUDE of a FIFO", "example.com.zone", "not a regular file",
                        (Consumer<Path>) z -> {
                            mkfifo(z.resolve("hosts.fifo"));
                            append(z.resolve("example.com.zone"), "$INCLUDE hosts.fifo\n");
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputsThatEndedTheServer")
    @Timeout(180)
    void aReloadThatWouldNotFitTheImagesHeapIsRefusedWithFileAndReasonWhileTheOldSnapshotServes(
            String input, String file, String reason, Consumer<Path> write) throws IOException {
        Path zones = exampleZones();
        server = GeodnsServer.startWithJvmFlags(imageJvmFlags(), zones);
        assertEquals(OLD_WWW, www());

        write.accept(zones);
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, STEP, "a failed reload counted, or the server gone", () -> server.isAlive()
                ? reloads("failed") : -1.0, n -> n != 0);

        assertTrue(server.isAlive(), () -> input + ": the server is still running");
        assertEquals(OLD_WWW, www(), "the old snapshot answers");
        String line = server.log().lines().filter(l -> l.contains("reload failed")).findFirst().orElseThrow();
        var m = FILE_REASON.matcher(line);
        assertTrue(m.find(), () -> "file: reason or file:line: reason: " + line);
        assertEquals(zones.resolve(file).toString(), m.group(1), line);
        assertTrue(m.group(3).contains(reason), () -> "the reason says '" + reason + "': " + line);
        assertEquals(0, reloads("ok"), "nothing was swapped in");
    }

    @Test
    @Timeout(240)
    void aZoneAtTheDocumentedLimitReloadsAgainAndAgainUnderTheImagesHeap() throws IOException {
        Path zones = exampleZones();
        ConfigFiles.replace(zones.resolve("example.com.zone"), withTxtRecords(TXT_RECORDS_AT_THE_LIMIT, "2026112301"));
        server = GeodnsServer.startWithJvmFlags(imageJvmFlags(), zones);
        for (int reload = 1; reload <= 3; reload++) {
            int n = reload;
            ConfigFiles.replace(zones.resolve("example.com.zone"),
                    withTxtRecords(TXT_RECORDS_AT_THE_LIMIT, "202611230" + (n + 1)));
            Signals.hangUp(server);
            Poll.until(RELOAD_WAIT, STEP, "reload " + n + " done, or the server gone", () -> server.isAlive()
                    ? reloads("ok") : -1.0, ok -> ok < 0 || ok >= n);
            assertTrue(server.isAlive(), "the server is still running after reload " + n);
            assertEquals(0, reloads("failed"), server::log);
        }
        Reply last = Via.DNSJAVA_UDP.ask(server, Ask.of("t" + (TXT_RECORDS_AT_THE_LIMIT - 1) + ".example.com", "TXT"));
        Checks.rcode(last, "NOERROR");
        assertEquals(OLD_WWW, www());
    }

    @Test
    @Timeout(120)
    void aFailedReloadIsNotRetriedUntilAFileChanges() {
        Path zones;
        try {
            zones = exampleZones();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        server = GeodnsServer.start(zones);
        // No signal: the watcher notices the edit (every 2 s), and must not try the same files again.
        ConfigFiles.replace(zones.resolve("example.com.zone"), withOneTxtRecordOf(260));
        Poll.until(Duration.ofSeconds(20), STEP, "the failed reload", () -> reloads("failed"), n -> n >= 1);
        long until = System.nanoTime() + Duration.ofSeconds(7).toNanos();
        while (System.nanoTime() < until) {
            assertEquals(1, reloads("failed"), "reloads of unchanged files, three watcher periods on");
            Poll.sleep(500);
        }
        assertTrue(server.log().contains("example.com.zone:109: TXT record data of 66560 bytes, more than the 65535"),
                server::log);
    }
}
