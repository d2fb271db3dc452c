package geodns.server.transfer;

import geodns.server.wire.Network;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.metrics.Metrics;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/** NOTIFY to a secondary played by a UDP socket: signed, retried until answered, sent again only for news. */
class NotifierTest {
    private static final Name ORIGIN = Name.fromConstantString("example.com.");
    private static final Name KEY_NAME = Name.fromConstantString("secondary.");
    private static final byte[] SECRET = "secret-secret-secret-32-bytes!!".getBytes();

    private DatagramSocket secondary;
    private Metrics metrics;
    private Notifier notifier;
    private final TSIG client = new TSIG(TSIG.HMAC_SHA256, KEY_NAME, SECRET);

    @BeforeEach
    void start() throws Exception {
        secondary = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        secondary.setSoTimeout(5000);
        metrics = new Metrics();
        notifier = new Notifier(metrics);
    }

    @AfterEach
    void stop() {
        notifier.close();
        secondary.close();
    }

    private Transfers zoneWithSerial(long serial) {
        SOARecord soa = new SOARecord(ORIGIN, DClass.IN, 300, Name.fromConstantString("ns1.example.com."),
                Name.fromConstantString("hostmaster.example.com."), serial, 7200, 900, 1209600, 300);
        TsigKey key = new TsigKey(KEY_NAME, TSIG.HMAC_SHA256, SECRET);
        Rules rules = new Rules(List.of(Network.parse("127.0.0.0/8")), key,
                List.of((InetSocketAddress) secondary.getLocalSocketAddress()));
        return new Transfers(Map.of(ORIGIN, TransferEncoder.encode(ORIGIN, soa, List.of(), rules)),
                Map.of(KEY_NAME, key));
    }

    private DatagramPacket receive() throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        secondary.receive(packet);
        return packet;
    }

    private static byte[] bytes(DatagramPacket packet) {
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private void acknowledge(DatagramPacket packet, Message notify) throws Exception {
        Message reply = new Message(notify.getHeader().getID());
        reply.getHeader().setOpcode(Opcode.NOTIFY);
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.AA);
        reply.addRecord(notify.getQuestion(), Section.QUESTION);
        reply.setTSIG(client, Rcode.NOERROR, notify.getTSIG());
        byte[] wire = reply.toWire(65535);
        secondary.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
    }

    private double counted(String result) {
        String line = metrics.scrape().lines().filter(l -> l.startsWith("geodns_notifies_total{result=\"" + result))
                .findFirst().orElseThrow();
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void aSignedNotifyIsRetriedUntilTheSecondaryAnswers() throws Exception {
        notifier.loaded(zoneWithSerial(7));
        DatagramPacket first = receive();
        Message notify = new Message(bytes(first));
        assertEquals(Opcode.NOTIFY, notify.getHeader().getOpcode());
        assertTrue(notify.getHeader().getFlag(Flags.AA));
        assertEquals(ORIGIN, notify.getQuestion().getName());
        assertEquals(Type.SOA, notify.getQuestion().getType());
        assertEquals(7, ((SOARecord) notify.getSection(Section.ANSWER).get(0)).getSerial());
        TSIGRecord tsig = notify.getTSIG();
        assertNotNull(tsig, "signed with the zone's key");
        assertEquals(Rcode.NOERROR, client.verify(notify, bytes(first), null));

        // Unanswered: the same NOTIFY comes again (after ~1 s), and this time we acknowledge it.
        DatagramPacket second = receive();
        Message retry = new Message(bytes(second));
        assertEquals(7, ((SOARecord) retry.getSection(Section.ANSWER).get(0)).getSerial());
        acknowledge(second, retry);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (counted("acked") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, counted("acked"));
        assertEquals(2, counted("sent"));
    }

    @Test
    void theSameSerialIsNotAnnouncedTwiceButANewOneIs() throws Exception {
        notifier.loaded(zoneWithSerial(7));
        DatagramPacket first = receive();
        acknowledge(first, new Message(bytes(first)));
        Thread.sleep(200);
        notifier.loaded(zoneWithSerial(7));
        secondary.setSoTimeout(1500);
        assertThrows(SocketTimeoutException.class, this::receive, "nothing new: no NOTIFY");
        notifier.loaded(zoneWithSerial(8));
        Message news = new Message(bytes(receive()));
        assertEquals(8, ((SOARecord) news.getSection(Section.ANSWER).get(0)).getSerial());
    }
}
