package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin HTTP address: liveness, and readiness only with every DNS listener bound. */
@ExtendWith(ExampleServer.class)
class AdminHttpTest {
    @Test
    void healthzIs200WhileRunning(GeodnsServer server) {
        assertEquals(200, server.httpStatus("/healthz"));
    }

    @Test
    void neverReadyWhenADnsAddressCannotBeBound() throws Exception {
        int taken = GeodnsServer.freePort(GeodnsServer.LOOPBACK, true);
        int httpPort = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
        String loopback = GeodnsServer.LOOPBACK.getHostAddress();
        File log = Files.createTempFile("geodns-bind-", ".log").toFile();
        try (ServerSocket tcp = new ServerSocket();
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(GeodnsServer.LOOPBACK, taken))) {
            tcp.bind(new InetSocketAddress(GeodnsServer.LOOPBACK, taken));
            Process process = new ProcessBuilder(List.of(GeodnsServer.javaBinary(), "-jar",
                    GeodnsServer.jar().toString(), "serve", "--zones", GeodnsServer.exampleZones().toString(),
                    "--dns", loopback + ":" + taken, "--http", loopback + ":" + httpPort))
                    .redirectErrorStream(true).redirectOutput(log).start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
                HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://" + loopback + ":" + httpPort
                        + "/readyz")).timeout(Duration.ofSeconds(2)).build();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
                while (System.nanoTime() < deadline && process.isAlive()) {
                    int status;
                    try {
                        status = http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException e) {
                        status = -1;
                    }
                    assertNotEquals(200, status, () -> "ready although " + loopback + ":" + taken
                            + " is taken; output:\n" + read(log));
                    Thread.sleep(200);
                }
                if (!process.isAlive()) {
                    assertNotEquals(0, process.exitValue(), () -> "exit code; output:\n" + read(log));
                }
            } finally {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }

    private static String read(File log) {
        try {
            return Files.readString(log.toPath());
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
