package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import geodns.e2e.support.FromAddress;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --tcp-max-conns 2}: a connection beyond the cap is not refused; the open connection that has been idle
 * longest is closed to make room for it, so idle connections cannot lock new clients out.
 */
@ExtendWith(ServerLogOnFailure.class)
class TcpConnectionCapTest {
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--tcp-max-conns", "2");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A connection from {@code local} on which a query got its answer: it counts against the cap. */
    private static Socket workingConnection(String local, int id) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            Socket socket = FromAddress.connect(local, server.dns());
            try {
                if (Wire.answers(socket, id)) {
                    return socket;
                }
            } catch (IOException e) {
                // closed: a slot was not free yet
            }
            socket.close();
            if (System.currentTimeMillis() > deadline) {
                fail("no working TCP connection within 5 s");
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aNewClientGetsInWhenIdleConnectionsFromOtherAddressesFillTheCap() throws Exception {
        try (Socket first = workingConnection("127.0.0.31", 0x6001);
             Socket second = workingConnection("127.0.0.32", 0x6002);
             Socket newcomer = FromAddress.connect("127.0.0.33", server.dns())) {
            assertTrue(Wire.answers(newcomer, 0x6003), "the newcomer is answered, not refused");
        }
    }

    @Test
    void theConnectionIdleLongestMakesRoomAndTheOthersKeepWorking() throws Exception {
        try (Socket first = workingConnection("127.0.0.1", 0x6101);
             Socket second = workingConnection("127.0.0.1", 0x6102)) {
            assertTrue(Wire.answers(first, 0x6111), "the first connection was active last");
            try (Socket third = FromAddress.connect("127.0.0.1", server.dns())) {
                assertTrue(Wire.answers(third, 0x6103), "the third connection is answered");
                assertTrue(Wire.closedByServerWithin(second, 3000), "the second, idle longest, is closed for it");
                assertTrue(Wire.answers(first, 0x6121), "the first connection still answers");
                assertTrue(Wire.answers(third, 0x6113), "the third connection still answers");
            }
        }
    }
}
