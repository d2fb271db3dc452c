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
 * {@code --tcp-max-conns-per-client 2}: a client's connections beyond two are closed, other clients (other 127.x
 * source addresses) still connect. Each test uses its own addresses.
 */
@ExtendWith(ServerLogOnFailure.class)
class TcpPerClientCapTest {
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--tcp-max-conns-per-client", "2");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A connection from {@code local} on which a query got its answer; retries while the server frees slots. */
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
                fail("no working TCP connection from " + local + " within 5 s");
            }
            Thread.sleep(100);
        }
    }

    @Test
    void thirdConnectionFromOneClientIsClosedWhileAnotherClientConnects() throws Exception {
        try (Socket first = workingConnection("127.0.0.21", 0x6201);
             Socket second = workingConnection("127.0.0.21", 0x6202);
             Socket third = FromAddress.connect("127.0.0.21", server.dns())) {
            assertTrue(Wire.closedInsteadOfAnswered(third), "a third connection from 127.0.0.21 is closed without an answer");
            try (Socket other = workingConnection("127.0.0.22", 0x6203)) {
                assertTrue(Wire.answers(other, 0x6213), "another client still gets a connection");
            }
            assertTrue(Wire.answers(first, 0x6211), "the first connection still answers");
            assertTrue(Wire.answers(second, 0x6212), "the second connection still answers");
        }
    }

    @Test
    void closingAConnectionFreesTheClientsSlot() throws Exception {
        try (Socket first = workingConnection("127.0.0.31", 0x6301)) {
            try (Socket second = workingConnection("127.0.0.31", 0x6302);
                 Socket over = FromAddress.connect("127.0.0.31", server.dns())) {
                assertTrue(Wire.closedInsteadOfAnswered(over), "the cap of 2 is reached");
            }
            try (Socket third = workingConnection("127.0.0.31", 0x6303)) {
                assertTrue(Wire.answers(first, 0x6311), "the first connection still answers");
                assertTrue(Wire.answers(third, 0x6313), "the new connection answers");
            }
        }
    }
}
