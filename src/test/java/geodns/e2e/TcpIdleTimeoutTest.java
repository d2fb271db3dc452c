package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --tcp-idle 1}: the server closes TCP connections that stay idle for a second (RFC 7766 6.2.3). */
@ExtendWith(ServerLogOnFailure.class)
class TcpIdleTimeoutTest {
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--tcp-idle", "1");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void idleConnectionIsClosedAfterTheTimeout() throws IOException {
        try (Socket socket = Wire.connect(server.dns())) {
            Wire.writeFrame(socket.getOutputStream(), Wire.probe(0x5001));
            byte[] reply = Wire.readFrame(socket.getInputStream());
            assertNotNull(reply, "the query before going idle is answered");
            long idleSince = System.nanoTime();
            assertTrue(Wire.closedByServerWithin(socket, 5000), "the server closes a connection idle for 1 s");
            long idleMillis = (System.nanoTime() - idleSince) / 1_000_000;
            assertTrue(idleMillis >= 500, "closed after " + idleMillis + " ms: not idle long enough for --tcp-idle 1");
        }
    }

    @Test
    void connectionThatNeverSendsIsClosed() throws IOException {
        try (Socket socket = Wire.connect(server.dns())) {
            assertTrue(Wire.closedByServerWithin(socket, 5000), "a silent connection is closed after 1 s");
        }
    }

    @Test
    void partialFrameThatNeverCompletesIsClosed() throws IOException {
        try (Socket socket = Wire.connect(server.dns())) {
            byte[] frame = Wire.frame(Wire.probe(0x5201));
            socket.getOutputStream().write(frame, 0, frame.length / 2);
            socket.getOutputStream().flush();
            assertTrue(Wire.closedByServerWithin(socket, 5000), "half a frame and then silence is closed after 1 s");
        }
    }

    @Test
    void busyConnectionIsKeptOpen() throws IOException, InterruptedException {
        try (Socket socket = Wire.connect(server.dns())) {
            for (int i = 0; i < 6; i++) {
                Wire.writeFrame(socket.getOutputStream(), Wire.probe(0x5100 + i));
                byte[] reply = Wire.readFrame(socket.getInputStream());
                assertNotNull(reply, "query " + i + " (every 400 ms, 2.4 s in all) is answered on the same connection");
                assertEquals(0x5100 + i, Wire.id(reply));
                Thread.sleep(400);
            }
        }
    }
}
