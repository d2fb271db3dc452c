package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.Cli;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code geodns explain --server HOST:PORT ADDR NAME}: the running server's explanation, asked over its admin
 * port, for use inside its pod, where a second full load (zones, GeoIP DB) beside the server could exceed the
 * memory limit. It loads nothing itself: it runs in a 16 MiB heap, in which a load of the zones does not fit.
 */
@ExtendWith(ExampleServer.class)
class ExplainByServerTest {
    private static final String LONDON_CLIENT = "81.2.69.1";

    @TempDir
    Path dir;

    private static String server(GeodnsServer server) {
        return server.http().getAddress().getHostAddress() + ":" + server.http().getPort();
    }

    @Test
    void printsTheRunningServersExplanationFromASixteenMegabyteHeap(GeodnsServer server) throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process process = new ProcessBuilder(List.of(GeodnsServer.javaBinary(), "-Xmx16m", "-jar",
                GeodnsServer.jar().toString(), "explain", "--server", server(server), LONDON_CLIENT,
                "app.example.com")).directory(dir.toFile())   // no zones folder here to load
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "explain --server finished");
        String stdout = read(out);
        String stderr = read(err);
        assertEquals(0, process.exitValue(), () -> "exit; stdout:\n" + stdout + "stderr:\n" + stderr);
        String direct = AdminHttp.ok(server, "/explain?ip=" + LONDON_CLIENT + "&name=app.example.com&format=text");
        assertEquals(firstLines(direct), firstLines(stdout), "the server's own text, as /explain gives it");
        assertTrue(stdout.contains("client: " + LONDON_CLIENT) && stdout.contains("chosen: london"),
                () -> stdout);
    }

    @Test
    void theTypeIsPassedOn(GeodnsServer server) {
        Cli.Result r = Cli.run(30, "explain", "--server", server(server), LONDON_CLIENT, "app.example.com", "AAAA");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("question: app.example.com. AAAA"), r::toString);
    }

    @Test
    void whatTheServerRefusesIsAUsageError(GeodnsServer server) {
        Cli.Result r = Cli.run(30, "explain", "--server", server(server), "not-an-address", "app.example.com");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("'not-an-address' is not an IP address"), r::toString);
    }

    @Test
    void noServerThereIsAClearError() {
        int port = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
        Cli.Result r = Cli.run(30, "explain", "--server", "127.0.0.1:" + port, LONDON_CLIENT, "app.example.com");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("no answer from the server's admin port 127.0.0.1:" + port), r::toString);
    }

    /** The decision's lines: the health of the nodes (and so the rest) may change between two asks. */
    private static String firstLines(String text) {
        return String.join("\n", text.lines().limit(4).toList());
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
