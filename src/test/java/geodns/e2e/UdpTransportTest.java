package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Checks;
import geodns.e2e.support.Cli;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * UDP on the native transport (recvmmsg/sendmmsg, a socket and thread per core), the default on Linux, and on
 * Netty's epoll with {@code --udp-transport netty}: the same answers either way.
 */
@ExtendWith(ServerLogOnFailure.class)
class UdpTransportTest {
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theNativeTransportServesUdpOnLinux() {
        assertTrue(server.log().contains("(udp: recvmmsg, "), server::log);
    }

    @Test
    void aBurstOfManyBatchesIsAnsweredInFull() throws IOException {
        int queries = 1000;
        BitSet answered = new BitSet(queries);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setReceiveBufferSize(1 << 20);
            socket.connect(server.dns());
            socket.setSoTimeout(3000);
            for (int id = 0; id < queries; id++) {
                byte[] query = RawQuery.query(id, "www.example.com", RawQuery.TYPE_A).bytes();
                socket.send(new DatagramPacket(query, query.length));
            }
            try {
                while (answered.cardinality() < queries) {
                    byte[] reply = Wire.receive(socket);
                    assertEquals(0, Wire.rcode(reply), () -> Wire.hex(reply));
                    answered.set(Wire.id(reply));
                }
            } catch (SocketTimeoutException e) {
                // counted below
            }
        }
        assertEquals(queries, answered.cardinality(), "replies to " + queries + " queries sent back to back");
    }

    @Test
    void aDatagramLargerThanAQuerySlotIsCutToTheSlotAndSpillsIntoNothing() {
        byte[] question = RawQuery.query(0x4242, "www.example.com", RawQuery.TYPE_A).bytes();
        byte[] huge = Arrays.copyOf(question, 9000);  // zeros past the question, beyond the 4096-byte slot
        byte[] reply = Wire.exchange(geodns.e2e.support.Transport.UDP, server.dns(), huge);
        assertEquals(0x4242, Wire.id(reply));
        assertEquals(0, Wire.rcode(reply), () -> "bytes past the counted sections are ignored: " + Wire.hex(reply));
        Checks.rcode(Via.DIG_UDP.ask(server, Ask.of("www.example.com", "A")), "NOERROR");
    }

    @Test
    void nettyTransportGivesTheSameAnswers() {
        try (GeodnsServer netty = GeodnsServer.start(GeodnsServer.exampleZones(), "--udp-transport", "netty")) {
            assertTrue(netty.log().contains("(udp: epoll, "), netty::log);
            for (String name : new String[] {"www.example.com", "app.example.com", "nothing.example.com"}) {
                byte[] query = RawQuery.query(7, name, RawQuery.TYPE_A).opt(0, 1232).bytes();
                assertArrayEquals(Wire.udp(server.dns(), query, 2000), Wire.udp(netty.dns(), query, 2000), name);
            }
        }
    }

    @Test
    void anUnknownTransportIsAUsageError() {
        Cli.Result result = Cli.run(30, "serve", "--udp-transport", "dpdk");
        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("--udp-transport: 'dpdk' is neither native nor netty"), result::toString);
    }
}
