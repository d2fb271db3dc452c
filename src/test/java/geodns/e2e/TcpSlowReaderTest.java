package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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

    @Test
    void clientThatNeverReadsStopsBeingReadAndIsClosed() throws Exception {
        // app.example.com has 16 address records: each ~35-byte query asks for a reply ten times its size.
        byte[] frame = Wire.frame(RawQuery.query(0x7400, "app.example.com.", RawQuery.TYPE_A).bytes());
        AtomicInteger written = new AtomicInteger();
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // small window: the replies pile up at the server, not here
            socket.connect(new InetSocketAddress(server.dns().getAddress(), server.dns().getPort()), Wire.TIMEOUT_MS);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < QUERIES; i++) {
                        out.write(frame);
                        written.incrementAndGet();
                    }
                } catch (IOException e) {
                    // the server closed the connection
                }
            }, "never-reading-client");
            writer.start();
            writer.join(20_000);
            boolean writerDone = !writer.isAlive();
            socket.close(); // unblocks the writer if the server never closed
            writer.join(5_000);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(written.get() < QUERIES,
                    "the server stopped reading: " + written.get() + " of " + QUERIES + " queries went out");
            assertTrue(writerDone, "the server closed the connection within 20 s (took " + millis + " ms, "
                    + written.get() + " queries written)");
        }
        assertNotNull(Wire.tcp(server.dns(), Wire.probe(0x7401)), "the server still answers a new connection");
    }
}
