package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --tcp-lifetime 2} with {@code --tcp-idle 10}: however busy, a connection is closed two seconds after it
 * opened, long before the idle timer would; a client dripping a frame byte by byte cannot hold it either.
 */
@ExtendWith(ServerLogOnFailure.class)
class TcpLifetimeTest {
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--tcp-lifetime", "2", "--tcp-idle", "10");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void busyConnectionIsClosedAtTheEndOfItsLifetime() throws Exception {
        long opened = System.nanoTime();
        int answered = 0;
        try (Socket socket = Wire.connect(server.dns())) {
            while (millisSince(opened) < 8000) {
                try {
                    Wire.writeFrame(socket.getOutputStream(), Wire.probe(0x7200 + answered));
                    if (Wire.readFrame(socket.getInputStream()) == null) {
                        break;
                    }
                } catch (SocketException e) {
                    break;
                }
                answered++;
                Thread.sleep(200);
            }
        }
        long lived = millisSince(opened);
        assertTrue(answered >= 5, "queries every 200 ms are answered until the end: " + answered);
        assertTrue(lived >= 1500 && lived < 6000, "closed after about 2 s, not after " + lived + " ms");
    }

    @Test
    void frameDrippedByteByByteIsClosedAtTheEndOfItsLifetime() throws Exception {
        byte[] frame = Wire.frame(Wire.probe(0x7300));
        long opened = System.nanoTime();
        boolean closed = false;
        try (Socket socket = Wire.connect(server.dns())) {
            OutputStream out = socket.getOutputStream();
            // One byte every 300 ms: never idle for 10 s, and the frame never completes within 8 s.
            for (int i = 0; i < frame.length - 1 && millisSince(opened) < 8000 && !closed; i++) {
                try {
                    out.write(frame[i]);
                    out.flush();
                } catch (SocketException e) {
                    closed = true;
                    break;
                }
                closed = Wire.closedByServerWithin(socket, 300);
            }
        }
        long lived = millisSince(opened);
        assertTrue(closed, "the server closed the dripping connection");
        assertTrue(lived >= 1500 && lived < 6000, "closed after about 2 s, not after " + lived + " ms");
        assertNotNull(Wire.tcp(server.dns(), Wire.probe(0x7301)), "a new connection is answered");
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
