package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Dig;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** DNS over TCP (RFC 1035 4.2.2, RFC 7766): length framing, several queries per connection, pipelining. */
@ExtendWith(ExampleServer.class)
class TcpTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    static byte[] query(int id, String name, int type) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        query.getHeader().setID(id);
        return query.toWire();
    }

    @Test
    void replyIsFramedWithItsTwoByteLength() throws IOException {
        try (Socket socket = Wire.connect(server.dns())) {
            socket.getOutputStream().write(Wire.frame(query(0x1111, "www.example.com.", Type.A)));
            InputStream in = socket.getInputStream();
            int length = (in.read() << 8) | in.read();
            byte[] body = in.readNBytes(length);
            assertEquals(length, body.length, "the frame has as many bytes as its prefix says");
            Message reply = Wire.parse(body);
            assertEquals(0x1111, reply.getHeader().getID());
            assertEquals("192.0.2.80", reply.getSection(Section.ANSWER).get(0).rdataToString());
            // Nothing follows the frame: its length was exact.
            socket.setSoTimeout(200);
            try {
                int extra = in.read();
                assertEquals(-1, extra, "a byte after the frame: the length prefix was short");
            } catch (java.net.SocketTimeoutException expected) {
                // nothing more: right
            }
        }
    }

    @Test
    void lengthPrefixAndMessageSplitAcrossWritesAreReassembled() throws IOException, InterruptedException {
        byte[] frame = Wire.frame(query(0x2222, "blog.example.com.", Type.A));
        try (Socket socket = Wire.connect(server.dns())) {
            OutputStream out = socket.getOutputStream();
            out.write(frame, 0, 1);
            out.flush();
            Thread.sleep(100);
            out.write(frame, 1, 6);
            out.flush();
            Thread.sleep(100);
            out.write(frame, 7, frame.length - 7);
            out.flush();
            byte[] reply = Wire.readFrame(socket.getInputStream());
            assertNotNull(reply, "a reply to a query written in three pieces");
            Message message = Wire.parse(reply);
            assertEquals(0x2222, message.getHeader().getID());
            assertEquals(2, message.getSection(Section.ANSWER).size(), message::toString);
        }
    }

    @Test
    void severalQueriesOneAfterAnotherOnOneConnection() throws IOException {
        try (Socket socket = Wire.connect(server.dns())) {
            for (int i = 0; i < 5; i++) {
                Wire.writeFrame(socket.getOutputStream(), query(0x3000 + i, "www.example.com.", Type.A));
                byte[] reply = Wire.readFrame(socket.getInputStream());
                assertNotNull(reply, "reply " + i + " on the same connection");
                assertEquals(0x3000 + i, Wire.id(reply));
            }
        }
    }

    @Test
    void pipelinedQueriesWrittenAtOnceAreAllAnswered() throws IOException {
        String[] names = {"www.example.com.", "app.example.com.", "blog.example.com.", "nope.example.com.",
                "foo.apps.example.com.", "www.k8s.example.com.", "example.org.", "big.example.com.",
                "legacy.example.com.", "b.example.com.", "example.com.", "mail.example.com."};
        int[] types = {Type.A, Type.AAAA, Type.A, Type.A, Type.A, Type.A, Type.A, Type.TXT, Type.A, Type.A, Type.NS,
                Type.A};
        int[] rcodes = {Rcode.NOERROR, Rcode.NOERROR, Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.NOERROR, Rcode.NOERROR,
                Rcode.REFUSED, Rcode.NOERROR, Rcode.NOERROR, Rcode.NOERROR, Rcode.NOERROR, Rcode.NOERROR};
        List<byte[]> queries = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            queries.add(query(0x4000 + i, names[i], types[i]));
        }
        Map<Integer, Message> replies = new HashMap<>();
        try (Socket socket = Wire.connect(server.dns())) {
            socket.getOutputStream().write(Wire.frames(queries));
            socket.getOutputStream().flush();
            for (int i = 0; i < names.length; i++) {
                byte[] reply = Wire.readFrame(socket.getInputStream());
                assertNotNull(reply, "connection closed after " + i + " of " + names.length + " replies");
                Message message = Wire.parse(reply);
                replies.put(message.getHeader().getID(), message);
            }
        }
        for (int i = 0; i < names.length; i++) {
            Message reply = replies.get(0x4000 + i);
            assertNotNull(reply, "a reply for query " + i + " (" + names[i] + ")");
            assertEquals(names[i], reply.getQuestion().getName().toString(), "question of reply " + i);
            assertEquals(types[i], reply.getQuestion().getType(), "question type of reply " + i);
            assertEquals(rcodes[i], reply.getRcode(), "rcode for " + names[i] + ":\n" + reply);
        }
        assertEquals(9, replies.get(0x4007).getSection(Section.ANSWER).size(), "big TXT over TCP is complete");
    }

    @Test
    void digKeepsOneConnectionOpenForSeveralQueries() {
        Dig.Output output = Dig.run(server.dns(), "+tcp", "+keepopen", "www.example.com", "A",
                "blog.example.com", "A", "app.example.com", "AAAA");
        assertEquals(3, output.replies().size(), output::text);
        for (Reply reply : output.replies()) {
            assertEquals("NOERROR", reply.rcode(), output::text);
            assertTrue(reply.flag("aa"), output::text);
        }
    }
}
