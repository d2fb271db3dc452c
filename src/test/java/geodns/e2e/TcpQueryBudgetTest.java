package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Wire;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --tcp-max-queries 5}: a connection ends after its fifth query, but every query the server has read is
 * answered first, and it ends with a FIN, never a reset that would throw replies away. By default there is no such
 * budget (as in NSD): a client may pipeline as many queries as it likes on one connection.
 */
@ExtendWith(ServerLogOnFailure.class)
class TcpQueryBudgetTest {
    private static GeodnsServer server;
    private static GeodnsServer defaults;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--tcp-max-queries", "5");
        defaults = GeodnsServer.start(GeodnsServer.exampleZones());
    }

    @AfterAll
    static void stop() {
        for (GeodnsServer s : new GeodnsServer[] {server, defaults}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** The replies' ids in the order they came, and how the connection ended. */
    record Replies(List<Integer> ids, boolean reset) {
    }

    /** Writes {@code count} pipelined probes from id {@code first} (on a thread of its own: it may block) and reads
     * replies until the connection ends or none comes for {@link Wire#TIMEOUT_MS}. */
    private static Replies pipeline(Socket socket, int first, int count) throws Exception {
        List<byte[]> queries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queries.add(Wire.probe(first + i));
        }
        byte[] all = Wire.frames(queries);
        Thread writer = new Thread(() -> {
            try {
                socket.getOutputStream().write(all);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // the server ended the connection: what it answered is what the reader counts
            }
        });
        writer.start();
        List<Integer> ids = new ArrayList<>();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        boolean reset = false;
        try {
            while (ids.size() < count) {
                byte[] reply = new byte[in.readUnsignedShort()];
                in.readFully(reply);
                ids.add(Wire.id(reply));
            }
        } catch (EOFException e) {
            // FIN
        } catch (SocketException e) {
            reset = true;
        }
        writer.join(Wire.TIMEOUT_MS);
        return new Replies(ids, reset);
    }

    private static List<Integer> consecutive(int first, int count) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(first + i);
        }
        return ids;
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
    void queriesReadWithTheFifthAreAnsweredBeforeTheConnectionEnds() throws Exception {
        // Eight queries in one write arrive in one read: the server has read all eight when the fifth is answered.
        try (Socket socket = Wire.connect(server.dns())) {
            Replies replies = pipeline(socket, 0x7100, 8);
            assertEquals(consecutive(0x7100, 8), replies.ids(), "all eight answered, in order");
            assertTrue(Wire.closedByServerWithin(socket, 3000), "then the connection ends");
        }
    }

    @Test
    void aConnectionEndedWithQueriesUnreadEndsWithAFinAfterItsLastReply() throws Exception {
        // 2,000 queries (70 KB): the server reads a part, answers it, and stops reading; closing a socket with
        // unread bytes would send a reset, which can cost the client replies already sent.
        try (Socket socket = Wire.connect(server.dns())) {
            Replies replies = pipeline(socket, 0x1000, 2000);
            assertTrue(replies.ids().size() >= 5, "at least the budget is answered: " + replies.ids().size());
            assertEquals(consecutive(0x1000, replies.ids().size()), replies.ids(), "in order, none skipped");
            assertTrue(!replies.reset(), "the connection ended with a FIN, not a reset, after "
                    + replies.ids().size() + " replies");
        }
    }

    @Test
    void byDefaultEveryPipelinedQueryIsAnsweredOnOneConnection() throws Exception {
        try (Socket socket = Wire.connect(defaults.dns())) {
            Replies replies = pipeline(socket, 0x2000, 150);
            assertEquals(consecutive(0x2000, 150), replies.ids(), "150 pipelined queries, 150 answers in order");
            assertTrue(Wire.answers(socket, 0x2999), "and the connection stays open");
        }
    }
}
