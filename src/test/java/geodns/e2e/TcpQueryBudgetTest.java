package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --tcp-max-queries 5}: a connection is closed after its fifth reply, as Knot and NSD do. */
@ExtendWith(ServerLogOnFailure.class)
class TcpQueryBudgetTest {
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--tcp-max-queries", "5");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void connectionIsClosedAfterTheFifthReply() throws IOException {
        try (Socket socket = Wire.connect(server.dns())) {
            for (int i = 0; i < 5; i++) {
                Wire.writeFrame(socket.getOutputStream(), Wire.probe(0x7000 + i));
                byte[] reply = Wire.readFrame(socket.getInputStream());
                assertNotNull(reply, "query " + (i + 1) + " of 5 is answered");
                assertEquals(0x7000 + i, Wire.id(reply));
            }
            assertTrue(Wire.closedByServerWithin(socket, 3000), "closed after the fifth reply");
        }
    }

    @Test
    void pipelinedQueriesPastTheBudgetAreNotAnswered() throws IOException {
        List<byte[]> queries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            queries.add(Wire.probe(0x7100 + i));
        }
        List<Integer> ids = new ArrayList<>();
        try (Socket socket = Wire.connect(server.dns())) {
            socket.getOutputStream().write(Wire.frames(queries));
            socket.getOutputStream().flush();
            while (true) {
                byte[] reply;
                try {
                    reply = Wire.readFrame(socket.getInputStream());
                } catch (SocketException e) {
                    break; // reset: the server closed with queries unread
                }
                if (reply == null) {
                    break;
                }
                ids.add(Wire.id(reply));
            }
        }
        assertEquals(List.of(0x7100, 0x7101, 0x7102, 0x7103, 0x7104), ids,
                "the first five of eight pipelined queries are answered, in order, then the connection ends");
    }
}
