package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Any legal message size is a query we answer, as Knot does: over TCP up to 65,535 bytes (the most a 2-byte length
 * can frame), over UDP up to the largest datagram (65,507 bytes over IPv4), on the native UDP transport and on
 * Netty's. The size comes from EDNS padding (RFC 7830), which a server ignores.
 */
@ExtendWith(ServerLogOnFailure.class)
class LargeQueryTest {
    private static final int PADDING = 12;
    /** The largest UDP payload over IPv4: 65,535 less the IP and UDP headers. */
    private static final int LARGEST_IPV4_DATAGRAM = 65507;
    private static GeodnsServer server;
    private static GeodnsServer netty;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones());
        netty = GeodnsServer.start(GeodnsServer.exampleZones(), "--udp-transport", "netty");
    }

    @AfterAll
    static void stop() {
        for (GeodnsServer s : new GeodnsServer[] {server, netty}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** www.example.com A with an OPT whose padding makes the message exactly {@code size} bytes. */
    static byte[] queryOf(int size, int id) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, 1));
        query.getHeader().setID(id);
        int withoutPadding = query.toWire().length + 11 + 4;  // OPT: root, type, class, TTL, RDLENGTH; option header
        List<EDNSOption> padding = List.of(new GenericEDNSOption(PADDING, new byte[size - withoutPadding]));
        query.addRecord(new OPTRecord(1232, 0, 0, 0, padding), Section.ADDITIONAL);
        byte[] wire = query.toWire();
        assertEquals(size, wire.length, "the query is as large as meant");
        return wire;
    }

    private static void assertAnswered(byte[] reply, int id) {
        assertEquals(id, Wire.id(reply));
        assertEquals(0, Wire.rcode(reply), () -> "NOERROR\n" + Wire.hex(reply));
        assertTrue(Wire.parse(reply).getSection(Section.ANSWER).size() > 0, () -> Wire.hex(reply));
    }

    @ParameterizedTest
    @ValueSource(ints = {65534, 65535})
    void aTcpQueryOfTheLargestSizesIsAnswered(int size) throws IOException {
        assertAnswered(Wire.exchange(Transport.TCP, server.dns(), queryOf(size, 0x5a01)), 0x5a01);
    }

    @ParameterizedTest
    @ValueSource(ints = {4097, 9000, LARGEST_IPV4_DATAGRAM})
    void aUdpQueryLargerThan4096BytesIsAnsweredOnTheNativeTransport(int size) throws IOException {
        assertAnswered(Wire.exchange(Transport.UDP, server.dns(), queryOf(size, 0x5a02)), 0x5a02);
    }

    @ParameterizedTest
    @ValueSource(ints = {4097, 9000, LARGEST_IPV4_DATAGRAM})
    void aUdpQueryLargerThan4096BytesIsAnsweredOnNettysTransport(int size) throws IOException {
        assertAnswered(Wire.exchange(Transport.UDP, netty.dns(), queryOf(size, 0x5a03)), 0x5a03);
    }

    @Test
    void largeQueriesInOneBatchAmongSmallOnesAreEachAnswered() throws IOException {
        // Large and small datagrams queued together land in one receive batch: each in its own slot, whole.
        int[] sizes = {60000, 100, 30000, 5000, 100, LARGEST_IPV4_DATAGRAM, 4097, 100};
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setReceiveBufferSize(1 << 20);
            socket.connect(server.dns());
            socket.setSoTimeout(Wire.TIMEOUT_MS);
            for (int i = 0; i < sizes.length; i++) {
                byte[] query = queryOf(sizes[i], 0x5b00 + i);
                socket.send(new DatagramPacket(query, query.length));
            }
            boolean[] answered = new boolean[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                byte[] reply = Wire.receive(socket);
                assertEquals(0, Wire.rcode(reply), () -> "NOERROR\n" + Wire.hex(reply));
                answered[Wire.id(reply) - 0x5b00] = true;
            }
            for (int i = 0; i < sizes.length; i++) {
                assertTrue(answered[i], "the query of " + sizes[i] + " bytes is answered");
            }
        }
    }
}
