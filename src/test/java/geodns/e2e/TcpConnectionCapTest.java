package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --tcp-max-conns 2}: connections beyond the cap are closed; the ones within it keep working. */
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

    /** A connection on which a query got its answer: it counts against the cap. Retries while slots free up. */
    private static Socket workingConnection(int id) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            Socket socket = Wire.connect(server.dns());
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
    void connectionBeyondTheCapIsClosedWhileTheFirstTwoKeepWorking() throws Exception {
        try (Socket first = workingConnection(0x6001); Socket second = workingConnection(0x6002);
             Socket third = Wire.connect(server.dns())) {
            assertTrue(Wire.closedInsteadOfAnswered(third), "a third connection is closed without an answer");
            assertTrue(Wire.answers(first, 0x6011), "the first connection still answers");
            assertTrue(Wire.answers(second, 0x6012), "the second connection still answers");
        }
    }

    @Test
    void closingAConnectionFreesItsSlot() throws Exception {
        try (Socket first = workingConnection(0x6101)) {
            try (Socket second = workingConnection(0x6102); Socket over = Wire.connect(server.dns())) {
                assertTrue(Wire.closedInsteadOfAnswered(over), "the cap of 2 is reached");
            }
            // The second slot is free again once the server has seen the close.
            try (Socket third = workingConnection(0x6103)) {
                assertTrue(Wire.answers(first, 0x6111), "the first connection still answers");
                assertTrue(Wire.answers(third, 0x6113), "the new connection answers");
            }
        }
    }
}
