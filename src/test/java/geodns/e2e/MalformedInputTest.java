package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Wire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input (RFC 1035, RFC 6895): FORMERR, NOTIMP or silence as the case demands, and the server keeps answering.
 * Every test ends by checking that a normal query is still answered.
 */
@ExtendWith(ExampleServer.class)
class MalformedInputTest {
    private static final int PROBE_ID = 0x7e57;
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    // ---------------------------------------------------------------------------------------- replies required

    @ParameterizedTest
    @EnumSource(Transport.class)
    void queryWithoutAQuestionIsFormerr(Transport transport) {
        byte[] reply = Wire.exchange(transport, server.dns(), RawQuery.withId(0x1001).bytes());
        EdnsTest.assertFormerr(0x1001, reply);
        assertStillAnswers(transport);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void queryWithTwoQuestionsIsFormerr(Transport transport) {
        byte[] query = RawQuery.query(0x1002, "www.example.com.", RawQuery.TYPE_A)
                .question("app.example.com.", RawQuery.TYPE_A, RawQuery.CLASS_IN).bytes();
        EdnsTest.assertFormerr(0x1002, Wire.exchange(transport, server.dns(), query));
        assertStillAnswers(transport);
    }

    static Stream<Arguments> unknownOpcodes() {
        List<Arguments> out = new ArrayList<>();
        for (int opcode : new int[] {2, 3, 5, 15}) {
            for (Transport transport : Transport.values()) {
                out.add(Arguments.of(opcode, transport));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "opcode {0} over {1}")
    @MethodSource("unknownOpcodes")
    void unknownOpcodeIsNotimp(int opcode, Transport transport) {
        int id = 0x2000 + opcode;
        byte[] query = RawQuery.query(id, "www.example.com.", RawQuery.TYPE_A).opcode(opcode).bytes();
        byte[] reply = Wire.exchange(transport, server.dns(), query);
        assertEquals(id, Wire.id(reply), () -> "id echoed in\n" + Wire.hex(reply));
        assertTrue(Wire.qr(reply), () -> "QR set in\n" + Wire.hex(reply));
        assertEquals(opcode, Wire.opcode(reply), () -> "opcode copied into the reply\n" + Wire.hex(reply));
        assertEquals(4, Wire.rcode(reply), () -> "RCODE NOTIMP (4) in\n" + Wire.hex(reply));
        assertStillAnswers(transport);
    }

    // ---------------------------------------------------------------------------------------- no reply

    @ParameterizedTest
    @EnumSource(Transport.class)
    void messageWithQrSetGetsNoReply(Transport transport) {
        byte[] response = RawQuery.query(0x3001, "www.example.com.", RawQuery.TYPE_A).qr().bytes();
        List<byte[]> replies = repliesOtherThanProbe(transport, List.of(response));
        assertTrue(replies.isEmpty(), () -> "no reply to a response, got:\n" + dump(replies));
        assertStillAnswers(transport);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void messageShorterThanAHeaderGetsNoReply(Transport transport) {
        byte[] full = RawQuery.query(0x3002, "www.example.com.", RawQuery.TYPE_A).bytes();
        for (int length : new int[] {0, 1, 2, 5, 11}) {
            List<byte[]> replies = repliesOtherThanProbe(transport, List.of(Arrays.copyOf(full, length)));
            assertTrue(replies.isEmpty(), () -> "no reply to " + length + " bytes, got:\n" + dump(replies));
        }
        assertStillAnswers(transport);
    }

    // ---------------------------------------------------------------------------------------- FORMERR or silence

    static Stream<Arguments> malformedQuestions() {
        HexFormat hex = HexFormat.of();
        // Each: a header announcing one question, then these bytes as the question.
        List<Object[]> cases = List.of(
                new Object[] {"name cut off", hex.parseHex("03777777076578616d")},
                new Object[] {"type and class missing", RawQuery.name("www.example.com.")},
                new Object[] {"class missing", concat(RawQuery.name("www.example.com."), hex.parseHex("0001"))},
                new Object[] {"pointer to itself", hex.parseHex("c00c00010001")},
                new Object[] {"pointer past the end", hex.parseHex("c0ff00010001")},
                new Object[] {"reserved label type 0x40", hex.parseHex("4177000100010001")},
                new Object[] {"label longer than the message", hex.parseHex("3f777777")},
                new Object[] {"name longer than 255 bytes", concat(longName(), hex.parseHex("00010001"))});
        List<Arguments> out = new ArrayList<>();
        for (Object[] c : cases) {
            for (Transport transport : Transport.values()) {
                out.add(Arguments.of(c[0], c[1], transport));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} over {2}")
    @MethodSource("malformedQuestions")
    void malformedQuestionIsFormerrOrDropped(String what, byte[] question, Transport transport) {
        byte[] header = RawQuery.withId(0x4004).qdcount(1).bytes();
        byte[] message = concat(header, question);
        List<byte[]> replies = repliesOtherThanProbe(transport, List.of(message));
        for (byte[] reply : replies) {
            assertTrue(reply.length >= 12, () -> what + ": a reply shorter than a header:\n" + Wire.hex(reply));
            EdnsTest.assertFormerr(0x4004, reply);
        }
        assertTrue(replies.size() <= 1, () -> what + ": several replies:\n" + dump(replies));
        assertStillAnswers(transport);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void randomGarbageNeverStopsTheServer(Transport transport) throws IOException {
        Random random = new Random(20261123L);
        List<byte[]> garbage = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] packet = new byte[random.nextInt(600)];
            random.nextBytes(packet);
            if (packet.length >= 2) {
                packet[0] = 0x66; // ids 0x66xx never collide with the probe's
            }
            garbage.add(packet);
        }
        if (transport == Transport.UDP) {
            Wire.udpRepliesOtherThanProbe(server.dns(), garbage, Wire.probe(PROBE_ID), 200);
        } else {
            // Each piece of garbage on its own connection, written whole; the server may answer or hang up.
            for (byte[] packet : garbage.subList(0, 40)) {
                try (Socket socket = Wire.connect(server.dns())) {
                    socket.getOutputStream().write(Wire.frame(packet));
                    socket.getOutputStream().flush();
                    socket.shutdownOutput();
                    Wire.closedByServerWithin(socket, 100);
                } catch (SocketException e) {
                    // reset by the server: fine
                }
            }
            // And raw bytes that are not even framed sensibly.
            try (Socket socket = Wire.connect(server.dns())) {
                socket.getOutputStream().write(garbage.get(41));
                socket.shutdownOutput();
                Wire.closedByServerWithin(socket, 200);
            } catch (SocketException e) {
                // fine
            }
        }
        assertTrue(server.isAlive(), "the server process is still running");
        assertStillAnswers(transport);
    }

    // ---------------------------------------------------------------------------------------- helpers

    /**
     * Sends {@code bad} and then a normal query; returns whatever came back that is not the normal query's reply.
     * Over TCP everything goes on one connection; if the server hangs up instead of answering the normal query,
     * that is fine (the bad input got no reply) and the caller's {@link #assertStillAnswers} checks the server.
     */
    private static List<byte[]> repliesOtherThanProbe(Transport transport, List<byte[]> bad) {
        byte[] probe = Wire.probe(PROBE_ID);
        if (transport == Transport.UDP) {
            return Wire.udpRepliesOtherThanProbe(server.dns(), bad, probe, 300);
        }
        List<byte[]> others = new ArrayList<>();
        try (Socket socket = Wire.connect(server.dns())) {
            OutputStream out = socket.getOutputStream();
            List<byte[]> all = new ArrayList<>(bad);
            all.add(probe);
            try {
                out.write(Wire.frames(all));
                out.flush();
            } catch (SocketException e) {
                return others; // hung up on the bad input
            }
            InputStream in = socket.getInputStream();
            while (true) {
                byte[] frame = Wire.readFrame(in);
                if (frame == null) {
                    return others;
                }
                if (frame.length >= 12 && Wire.id(frame) == PROBE_ID && Wire.rcode(frame) == 0) {
                    return others;
                }
                others.add(frame);
            }
        } catch (IOException e) {
            fail("TCP exchange with " + server.dns() + ": neither a reply to the normal query nor a hang-up: " + e);
            return others;
        }
    }

    private static void assertStillAnswers(Transport transport) {
        byte[] reply = Wire.exchange(transport, server.dns(), Wire.probe(PROBE_ID + 1));
        assertEquals(PROBE_ID + 1, Wire.id(reply));
        assertEquals(0, Wire.rcode(reply), () -> "NOERROR for www.example.com A after bad input:\n" + Wire.hex(reply));
        assertTrue(Wire.aa(reply), "an authoritative answer after bad input");
    }

    private static String dump(List<byte[]> replies) {
        StringBuilder out = new StringBuilder();
        for (byte[] r : replies) {
            out.append(Wire.hex(r)).append("\n--\n");
        }
        return out.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static byte[] longName() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 5; i++) {
            out.write(63);
            for (int j = 0; j < 63; j++) {
                out.write('a');
            }
        }
        out.write(0);
        return out.toByteArray();
    }
}
