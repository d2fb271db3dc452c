package geodns.server.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import geodns.server.testing.Packet;
import geodns.server.wire.Query;
import geodns.server.zone.Zones;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** From packet to reply: which packets get which kind of reply, and how big a UDP reply may be. */
class AnswererTest {
    @TempDir
    static Path dir;
    static Snapshot snapshot;

    private final Query query = new Query();
    private final byte[] out = new byte[65535];

    @BeforeAll
    static void load() {
        Dns.write(dir, "example.com.zone", """
                $ORIGIN example.com.
                $TTL 300
                @    IN SOA ns admin 1 7200 900 1209600 300
                @    IN NS  ns
                ns   IN A   192.0.2.1
                www  IN A   192.0.2.2
                mid  IN TXT "%1$s" "%1$s" "%1$s"
                """.formatted("m".repeat(250)));
        Zones.Loaded loaded = Zones.load(dir);
        assertTrue(loaded.ok(), () -> "errors: " + loaded.errors());
        snapshot = loaded.snapshot();
    }

    private int answer(int cap, byte[] packet, boolean overTcp) {
        return new Answerer(new AtomicReference<>(snapshot), cap, new Metrics()).answer(packet, packet.length, overTcp,
                java.net.InetAddress.getLoopbackAddress(), query, out);
    }

    private Message reply(int cap, byte[] packet) throws Exception {
        int length = answer(cap, packet, false);
        assertTrue(length > 0, "a reply is sent");
        return new Message(Arrays.copyOf(out, length));
    }

    @Test
    void responsePacketGetsNoReply() {
        byte[] packet = Packet.header(0x8000, 1, 0, 0, 0).question("www.example.com", Type.A).build();
        assertEquals(0, answer(1232, packet, false));
        assertEquals(0, answer(1232, packet, true));
    }

    @Test
    void runtPacketGetsNoReply() {
        assertEquals(0, answer(1232, new byte[11], false));
        assertEquals(0, answer(1232, new byte[0], true));
    }

    @Test
    void unknownOpcodeGetsNotImp() throws Exception {
        Message m = reply(1232, Packet.header(Opcode.UPDATE << 11, 1, 0, 0, 0).question("example.com", Type.SOA).build());
        assertEquals(Rcode.NOTIMP, m.getRcode());
        assertEquals(Opcode.UPDATE, m.getHeader().getOpcode());
    }

    @Test
    void unknownOpcodeWithOptGetsNotImpWithOpt() throws Exception {
        byte[] packet = Packet.header(Opcode.UPDATE << 11, 1, 0, 0, 1).question("example.com", Type.SOA)
                .opt(1232).build();
        Message m = reply(1232, packet);
        assertEquals(Rcode.NOTIMP, m.getRcode());
        assertNotNull(m.getOPT());
    }

    @Test
    void notifyIsRefusedForWeAreThePrimary() throws Exception {
        Message m = reply(1232, Packet.header(Opcode.NOTIFY << 11, 1, 0, 0, 0).question("example.com", Type.SOA)
                .build());
        assertEquals(Rcode.REFUSED, m.getRcode());
        assertEquals(Opcode.NOTIFY, m.getHeader().getOpcode());
    }

    @Test
    void malformedQueryGetsFormErr() throws Exception {
        Message m = reply(1232, Packet.header(0, 2, 0, 0, 0).question("a.example.com", Type.A)
                .question("b.example.com", Type.A).build());
        assertEquals(Rcode.FORMERR, m.getRcode());
        assertEquals(0, m.getHeader().getCount(Section.QUESTION));
    }

    @Test
    void ednsVersion1GetsBadVersWithTheQuestion() throws Exception {
        Message m = reply(1232, Packet.query(1).question("www.example.com", Type.A).opt(1232, 1, false, new byte[0])
                .build());
        assertEquals(Rcode.BADVERS, m.getRcode());
        assertEquals(0, m.getHeader().getRcode());
        assertEquals("www.example.com.", m.getQuestion().getName().toString());
        assertEquals(0, m.getHeader().getCount(Section.ANSWER));
    }

    @Test
    void chaosClassIsRefusedWithOptWhenAsked() throws Exception {
        byte[] packet = Packet.query(1).name("version.bind").u16(Type.TXT).u16(DClass.CH).opt(1232).build();
        Message m = reply(1232, packet);
        assertEquals(Rcode.REFUSED, m.getRcode());
        assertNotNull(m.getOPT());
        assertFalse(m.getHeader().getFlag(Flags.AA));
    }

    @Test
    void hesiodAndNoneClassesAreRefused() throws Exception {
        for (int dclass : new int[] {DClass.HS, DClass.NONE, 2, 0}) {
            byte[] packet = Packet.query(0).name("www.example.com").u16(Type.A).u16(dclass).build();
            assertEquals(Rcode.REFUSED, reply(1232, packet).getRcode(), "class " + dclass);
        }
    }

    @Test
    void udpReplyWithoutEdnsIsLimitedTo512() throws Exception {
        Message m = reply(4096, Packet.query(0).question("mid.example.com", Type.TXT).build());
        assertTrue(m.getHeader().getFlag(Flags.TC));
    }

    @Test
    void udpReplyIsLimitedToTheCapWhateverTheClientOffers() throws Exception {
        byte[] packet = Packet.query(1).question("mid.example.com", Type.TXT).opt(65535).build();
        Message capped = reply(512, packet);
        assertTrue(capped.getHeader().getFlag(Flags.TC));
        assertEquals(512, capped.getOPT().getPayloadSize(), "we advertise our cap");

        Message roomy = reply(4096, packet);
        assertFalse(roomy.getHeader().getFlag(Flags.TC));
        assertEquals(1, roomy.getSection(Section.ANSWER).size());
    }

    @Test
    void udpReplyIsLimitedToWhatTheClientOffers() throws Exception {
        Message m = reply(4096, Packet.query(1).question("mid.example.com", Type.TXT).opt(700).build());
        assertTrue(m.getHeader().getFlag(Flags.TC));
    }

    @Test
    void tcpReplyIsNotLimitedByUdpSizes() throws Exception {
        byte[] packet = Packet.query(0).question("mid.example.com", Type.TXT).build();
        int length = answer(512, packet, true);
        Message m = new Message(Arrays.copyOf(out, length));
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(1, m.getSection(Section.ANSWER).size());
    }

    @Test
    void newSnapshotIsServedOnceSwappedIn(@TempDir Path other) throws Exception {
        Dns.write(other, "example.com.zone", """
                @   300 IN SOA ns admin 2 7200 900 1209600 300
                @   300 IN NS  ns
                www 300 IN A   192.0.2.99
                """);
        AtomicReference<Snapshot> current = new AtomicReference<>(snapshot);
        Answerer answerer = new Answerer(current, 1232, new Metrics());
        byte[] packet = Dns.query("www.example.com", Type.A, DClass.IN).toWire();
        int before = answerer.answer(packet, packet.length, false, java.net.InetAddress.getLoopbackAddress(), query, out);
        assertEquals("192.0.2.2", new Message(Arrays.copyOf(out, before)).getSection(Section.ANSWER).get(0)
                .rdataToString());
        current.set(Zones.load(other).snapshot());
        int after = answerer.answer(packet, packet.length, false, java.net.InetAddress.getLoopbackAddress(), query, out);
        assertEquals("192.0.2.99", new Message(Arrays.copyOf(out, after)).getSection(Section.ANSWER).get(0)
                .rdataToString());
    }

    @Test
    void replyIsWrittenFromOffsetZeroEveryTime() throws Exception {
        byte[] big = Packet.query(0).question("mid.example.com", Type.TXT).build();
        answer(4096, big, true);
        byte[] small = Packet.query(0).question("www.example.com", Type.A).build();
        int length = answer(4096, small, false);
        Message m = new Message(Arrays.copyOf(out, length));
        assertEquals(1, m.getSection(Section.ANSWER).size());
        assertNull(m.getOPT());
    }

    /** An Answerer that limits every network to 1 response/s and slips every limited one (slip 1). */
    private static Answerer limited() {
        RateLimiter limiter = new RateLimiter(new RateLimiter.Settings(1, 1, 1, java.util.List.of()), () -> 0L, 7);
        return new Answerer(new AtomicReference<>(snapshot), 1232, new geodns.server.metrics.Metrics(), null, limiter);
    }

    private int answerFrom(Answerer answerer, byte[] packet, boolean overTcp) throws Exception {
        return answerer.answer(packet, packet.length, overTcp, java.net.InetAddress.getByName("192.0.2.1"), query, out);
    }

    @Test
    void rateLimitedUdpReplySlipsAsTruncatedWithQuestionAndClientSubnetEchoed() throws Exception {
        Answerer answerer = limited();
        byte[] packet = Packet.query(1).question("www.example.com", Type.A)
                .opt(1232, 0, false, Packet.clientSubnet(1, 24, 0, 198, 51, 100)).build();
        assertTrue(answerFrom(answerer, packet, false) > 0);
        Message m = new Message(Arrays.copyOf(out, answerFrom(answerer, packet, false)));
        assertTrue(m.getHeader().getFlag(Flags.TC), "TC set");
        assertTrue(m.getHeader().getFlag(Flags.QR), "a response");
        assertFalse(m.getHeader().getFlag(Flags.RA), "no recursion");
        assertEquals(0, m.getSection(Section.ANSWER).size() + m.getSection(Section.AUTHORITY).size());
        assertEquals("www.example.com.", m.getQuestion().getName().toString());
        assertNotNull(m.getOPT(), "OPT echoed");
        assertNotNull(m.getOPT().getOptions(org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET), "client subnet echoed");
    }

    @Test
    void rateLimitedRefusalSlipsWithoutAnAnswer() throws Exception {
        Answerer answerer = limited();
        byte[] packet = Packet.query(0).name("version.bind").u16(Type.TXT).u16(DClass.CH).build();
        answerFrom(answerer, packet, false);
        Message m = new Message(Arrays.copyOf(out, answerFrom(answerer, packet, false)));
        assertTrue(m.getHeader().getFlag(Flags.TC), "TC set");
        assertEquals(Rcode.NOERROR, m.getRcode(), "the refusal itself comes over TCP");
    }

    @Test
    void tcpIsNeverRateLimited() throws Exception {
        Answerer answerer = limited();
        byte[] packet = Packet.query(0).question("www.example.com", Type.A).build();
        for (int i = 0; i < 10; i++) {
            Message m = new Message(Arrays.copyOf(out, answerFrom(answerer, packet, true)));
            assertFalse(m.getHeader().getFlag(Flags.TC));
            assertEquals(1, m.getSection(Section.ANSWER).size());
        }
    }
}
