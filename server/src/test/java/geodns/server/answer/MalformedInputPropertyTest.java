package geodns.server.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import geodns.server.testing.Packet;
import geodns.server.wire.ParseResult;
import geodns.server.wire.Query;
import geodns.server.wire.QueryParser;
import geodns.server.zone.Zones;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Whatever arrives, the parser and the answerer return normally, and every reply is a well-formed DNS message
 * within the size limit the transport may send. 200,000 packets from a fixed seed, so a failure reproduces.
 */
class MalformedInputPropertyTest {
    private static final int PACKETS = 200_000;
    private static final long SEED = 20240601L;
    private static final int CAP = 1232;

    @TempDir
    Path dir;

    private List<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        String[] names = {"www.example.com", "example.com", "nothing.example.com", "x.wild.example.com",
                "a.b.sub.example.com", "big.example.com", "alias.example.com", "loop.example.com",
                "www.example.net", "."};
        int[] types = {Type.A, Type.AAAA, Type.NS, Type.SOA, Type.MX, Type.TXT, Type.ANY, Type.CNAME, 65280};
        for (String name : names) {
            for (int type : types) {
                Message plain = Dns.query(name, type, DClass.IN);
                seeds.add(plain.toWire());
                Message edns = Dns.query(name, type, DClass.IN);
                edns.getHeader().setFlag(Flags.CD);
                edns.addRecord(new OPTRecord(4096, 0, 0, Flags.DO), Section.ADDITIONAL);
                seeds.add(edns.toWire());
            }
            Message ecs = Dns.query(name, Type.A, DClass.IN);
            ecs.addRecord(new OPTRecord(1400, 0, 0, 0,
                    List.of(new ClientSubnetOption(24, InetAddress.getByName("192.0.2.0")))), Section.ADDITIONAL);
            seeds.add(ecs.toWire());
        }
        seeds.add(Packet.header(0, 1, 1, 1, 1).question("www.example.com", Type.A)
                .pointer(12).u16(Type.A).u16(1).u32(1).u16(4).bytes(1, 2, 3, 4)
                .bytes(1, 'x').pointer(12).u16(Type.NS).u16(1).u32(1).u16(2).pointer(16)
                .opt(512).build());
        seeds.add(Packet.query(1).question("x.wild.example.com", Type.TXT)
                .opt(1232, 0, false, Packet.clientSubnet(2, 56, 0, 0x20, 1, 0xd, 0xb8, 1, 2, 3)).build());
        return seeds;
    }

    private byte[] mutate(Random random, List<byte[]> seeds) {
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        switch (random.nextInt(7)) {
            case 0: { // pure noise
                byte[] noise = new byte[random.nextInt(600)];
                random.nextBytes(noise);
                return noise;
            }
            case 1: { // noise behind a plausible header
                byte[] p = new byte[12 + random.nextInt(300)];
                random.nextBytes(p);
                p[2] &= 0x07;
                p[4] = 0;
                p[5] = 1;
                return p;
            }
            case 2: { // flip some bytes
                byte[] p = seed.clone();
                for (int i = 1 + random.nextInt(6); i > 0; i--) {
                    p[random.nextInt(p.length)] = (byte) random.nextInt(256);
                }
                return p;
            }
            case 3: // cut short
                return Arrays.copyOf(seed, random.nextInt(seed.length + 1));
            case 4: { // grow with noise
                byte[] p = Arrays.copyOf(seed, seed.length + 1 + random.nextInt(64));
                for (int i = seed.length; i < p.length; i++) {
                    p[i] = (byte) random.nextInt(256);
                }
                return p;
            }
            case 5: { // random section counts
                byte[] p = seed.clone();
                for (int at = 6; at < 12; at++) {
                    p[at] = (byte) (random.nextBoolean() ? random.nextInt(4) : random.nextInt(256));
                }
                return p;
            }
            default: { // splice two packets
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int cut = random.nextInt(seed.length);
                int from = random.nextInt(other.length);
                byte[] p = Arrays.copyOf(seed, cut + other.length - from);
                System.arraycopy(other, from, p, cut, other.length - from);
                return p;
            }
        }
    }

    @Test
    void noPacketMakesTheParserOrAnswererThrowOrReplyOverTheLimit() throws Exception {
        Dns.write(dir, "example.com.zone", """
                $ORIGIN example.com.
                $TTL 300
                @       IN SOA ns admin 1 7200 900 1209600 300
                @       IN NS  ns
                @       IN MX  10 mail
                ns      IN A   192.0.2.1
                mail    IN A   192.0.2.2
                www     IN A   192.0.2.3
                www     IN AAAA 2001:db8::3
                alias   IN CNAME www
                loop    IN CNAME loop
                *.wild  IN TXT "wild"
                sub     IN NS  ns.sub
                ns.sub  IN A   192.0.2.4
                big     IN TXT "%1$s" "%1$s" "%1$s"
                big     IN TXT "%2$s" "%2$s" "%2$s"
                """.formatted("x".repeat(250), "y".repeat(250)));
        Zones.Loaded loaded = Zones.load(dir);
        assertTrue(loaded.ok(), () -> "errors: " + loaded.errors());
        Answerer answerer = new Answerer(new AtomicReference<>(loaded.snapshot()), CAP, new Metrics());
        List<byte[]> seeds = seeds();
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> run(answerer, seeds));
    }

    private void run(Answerer answerer, List<byte[]> seeds) {
        Random random = new Random(SEED);
        Query query = new Query();
        byte[] out = new byte[65535];
        int[] counts = new int[ParseResult.values().length];
        for (int i = 0; i < PACKETS; i++) {
            byte[] packet = i < seeds.size() ? seeds.get(i) : mutate(random, seeds);
            boolean overTcp = random.nextInt(4) == 0;
            try {
                ParseResult parsed = QueryParser.parse(packet, packet.length, query);
                counts[parsed.ordinal()]++;
                java.net.InetAddress source = java.net.InetAddress.getLoopbackAddress();
                int length = answerer.answer(packet, packet.length, overTcp, source, query, out);
                if (length == Answerer.STREAM) {
                    // A transfer request over TCP: the stream (here one refusal: no zone is offered) is the reply.
                    geodns.server.transfer.TransferStream stream = answerer.stream(packet, packet.length, source,
                            query, out);
                    byte[] message = stream.next();
                    assertTrue(stream.done(), "no zone is offered: the reply is one refusal");
                    System.arraycopy(message, 0, out, 0, message.length);
                    length = message.length;
                }
                check(packet, parsed, overTcp, query, out, length);
            } catch (RuntimeException | AssertionError e) {
                fail("packet " + i + " (" + (overTcp ? "tcp" : "udp") + "): " + HexFormat.of().formatHex(packet), e);
            }
        }
        for (ParseResult result : ParseResult.values()) {
            assertTrue(counts[result.ordinal()] > 0, () -> "no packet was " + result + ": " + Arrays.toString(counts));
        }
    }

    private static void check(byte[] packet, ParseResult parsed, boolean overTcp, Query q, byte[] out, int length) {
        if (parsed == ParseResult.DROP) {
            assertEquals(0, length, "a dropped packet gets no reply");
            return;
        }
        assertTrue(length >= 12, "every other packet gets a reply");
        int limit = overTcp ? 65535 : q.hasOpt() ? Math.max(512, Math.min(q.udpPayloadSize(), CAP)) : 512;
        assertTrue(length <= limit, () -> "reply of " + length + " bytes over the limit " + limit);
        Message reply;
        try {
            reply = new Message(Arrays.copyOf(out, length));
        } catch (IOException e) {
            throw new AssertionError("reply does not parse: " + e + ": " + HexFormat.of().formatHex(out, 0, length), e);
        }
        assertEquals(((packet[0] & 0xff) << 8) | (packet[1] & 0xff), reply.getHeader().getID());
        assertTrue(reply.getHeader().getFlag(Flags.QR));
        assertTrue(!reply.getHeader().getFlag(Flags.RA), "RA is never set");
        if (parsed == ParseResult.QUERY) {
            int end = 12 + q.questionLength();
            assertEquals(1, reply.getHeader().getCount(Section.QUESTION));
            assertTrue(Arrays.equals(packet, 12, end, out, 12, end), "the question is echoed as received");
        }
    }
}
