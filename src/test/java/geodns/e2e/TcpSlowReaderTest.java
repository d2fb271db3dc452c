package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that sends queries and never reads the replies: with no query budget and no lifetime limit
 * ({@code --tcp-max-queries 0 --tcp-lifetime 0}), only the write high-water mark stops the server from reading
 * and buffering replies without bound, and the idle timer ({@code --tcp-idle 2}) then closes the connection.
 */
@ExtendWith(ServerLogOnFailure.class)
class TcpSlowReaderTest {
    private static final int QUERIES = 200_000;
    /** geodns's own buffer (high-water mark 256 KiB) plus the replies of one read batch, with room to spare. */
    private static final long SERVER_BUFFER = 1 << 20;
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--tcp-max-queries", "0", "--tcp-lifetime", "0",
                "--tcp-idle", "2");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static double answeredOverTcp() {
        return PromScrape.of(server).sum("geodns_queries_total", "transport", "tcp");
    }

    /** The most a TCP socket's send buffer grows to (Linux autotuning: the third value of tcp_wmem). */
    private static long kernelSendBuffer() throws IOException {
        // Files.readString stops early on procfs files (they report size 0); readAllLines reads to the end.
        String[] wmem = Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem")).get(0).trim().split("\\s+");
        return Long.parseLong(wmem[2]);
    }

    @Test
    void clientThatNeverReadsStopsBeingReadAndIsClosed() throws Exception {
        // Each ~35-byte query asks for a reply of about 1,900 bytes (nine long TXT strings).
        byte[] query = RawQuery.query(0x7400, "big.example.com.", RawQuery.TYPE_TXT).bytes();
        byte[] frame = Wire.frame(query);
        int replySize = Wire.tcp(server.dns(), query).length + 2;
        double answeredBefore = answeredOverTcp();
        AtomicInteger written = new AtomicInteger();
        AtomicBoolean closedByServer = new AtomicBoolean();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // small window: the replies pile up at the server, not here
            socket.connect(server.dns(), Wire.TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < QUERIES; i++) {
                        out.write(frame);
                        written.incrementAndGet();
                    }
                } catch (IOException e) {
                    closedByServer.set(true);
                }
            }, "never-reading-client");
            writer.start();
            writer.join(20_000);
            assertTrue(!writer.isAlive(), "the server closed the connection within 20 s (" + written + " written)");
            // All queries may have fit into kernel buffers; then the close shows on the next writes.
            for (int i = 0; i < 50 && !closedByServer.get(); i++) {
                try {
                    out.write(frame);
                    Thread.sleep(200);
                } catch (IOException e) {
                    closedByServer.set(true);
                }
            }
            assertTrue(closedByServer.get(), "the server closed the connection (" + written + " written)");
        }
        double answered = answeredOverTcp() - answeredBefore - 1;
        long most = (kernelSendBuffer() + SERVER_BUFFER) / replySize;
        assertTrue(answered <= most, "the server stopped reading once its replies piled up: it answered "
                + answered + " of the " + written + " queries that went out, at most " + most + " fit into the "
                + "kernel's send buffer and geodns's own");
        assertNotNull(Wire.tcp(server.dns(), Wire.probe(0x7401)), "the server still answers a new connection");
    }
}
