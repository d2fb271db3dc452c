package geodns.server.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import geodns.geoip.GeoDatabase;
import geodns.geoip.testing.MmdbWriter;
import geodns.server.health.HealthView;
import geodns.server.metrics.Metrics;
import geodns.server.wire.Codes;
import geodns.server.wire.ParseResult;
import geodns.server.wire.Query;
import geodns.server.wire.QueryParser;
import geodns.server.zone.Zones;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * Coverage-guided fuzzing of the whole packet path, parser to reply bytes, against the example zones and geo.yaml
 * with a City database, so geo names, ECS and every kind of static answer are reachable.
 *
 * <p>In a plain build this runs the checked-in inputs in {@code PacketPathFuzzTestInputs/answersAnyPacket} (real
 * queries written by dnsjava, and every input the fuzzer ever broke the server with). With {@code JAZZER_FUZZ=1}
 * Jazzer mutates them for {@code jazzer.max_duration} (see docs/design.md, "Fuzzing"). Each input is answered over UDP
 * with the default cap and with the smallest cap, and over TCP, and every reply must keep the invariants below.
 */
class PacketPathFuzzTest {
    private static final int DEFAULT_CAP = 1232;
    private static final int SMALLEST_CAP = 512;
    private static final InetAddress PLACED_IPV4 = Fixture.address("81.2.69.1");
    private static final InetAddress PLACED_IPV6 = Fixture.address("2a02:db8::1");

    private static Path dir;
    private static GeoDatabase database;
    private static Answerer defaultCap;
    private static Answerer smallestCap;

    private final Query query = new Query();
    private final byte[] out = new byte[65535];

    @BeforeAll
    static void serveTheExampleZones() throws IOException {
        dir = Files.createTempDirectory("geodns-fuzz");
        Path zones = Path.of("..", "zones");
        for (String file : new String[] {"example.com.zone", "geo.yaml"}) {
            Files.copy(zones.resolve(file), dir.resolve(file));
        }
        database = GeoDatabase.open(new MmdbWriter("GeoLite2-City")
                .add("81.2.69.0/24", MmdbWriter.city(51.5, -0.12, "GB", "EU", "ENG"))          // London
                .add("203.0.113.0/24", MmdbWriter.city(1.35, 103.8, "SG", "AS", "01"))         // Singapore
                .add("198.51.100.0/24", MmdbWriter.city(47.6, -122.3, "US", "NA", "WA"))       // Seattle
                .add("10.0.0.0/8", MmdbWriter.city(-33.87, 151.21, "AU", "OC", "NSW"))          // Sydney
                .add("2a02:db8::/32", MmdbWriter.city(50.11, 8.68, "DE", "EU", "HE"))           // Frankfurt
                .write(dir.resolve("city.mmdb")));
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "example zones: " + read.errors());
        Metrics metrics = new Metrics();
        Snapshot snapshot = Zones.compile(read.sources(), Zones.routing(read.sources(), database, metrics),
                HealthView.allUp(), metrics);
        defaultCap = new Answerer(new AtomicReference<>(snapshot), DEFAULT_CAP, metrics);
        smallestCap = new Answerer(new AtomicReference<>(snapshot), SMALLEST_CAP, metrics);
    }

    @AfterAll
    static void close() throws IOException {
        database.close();
        for (String file : new String[] {"example.com.zone", "geo.yaml", "city.mmdb"}) {
            Files.deleteIfExists(dir.resolve(file));
        }
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "30s")
    void answersAnyPacket(byte[] packet) {
        int udpDefault = check(packet, defaultCap, DEFAULT_CAP, false, PLACED_IPV4);
        int udpSmallest = check(packet, smallestCap, SMALLEST_CAP, false, PLACED_IPV6);
        int tcp = check(packet, defaultCap, DEFAULT_CAP, true, PLACED_IPV4);
        // The transport changes how much fits, never the verdict.
        if (udpDefault >= 0 && tcp >= 0) {
            assertEquals(tcp, udpDefault, "rcode over UDP and TCP");
            assertEquals(tcp, udpSmallest, "rcode with the smallest UDP cap");
        }
    }

    /** Answers once and checks the reply; returns its rcode, or -1 when there is none. */
    private int check(byte[] packet, Answerer answerer, int cap, boolean overTcp, InetAddress source) {
        int length;
        ParseResult parsed;
        try {
            parsed = QueryParser.parse(packet, packet.length, query);
            length = answerer.answer(packet, packet.length, overTcp, source, query, out);
        } catch (RuntimeException e) {
            throw new AssertionError("threw on " + HexFormat.of().formatHex(packet), e);
        }
        if (length == Answerer.STREAM) {
            assertTrue(overTcp, "a transfer is streamed over TCP only");
            streamOut(answerer, packet, source);
            return -1;
        }
        boolean response = packet.length >= 3 && (packet[2] & 0x80) != 0;
        if (packet.length < 12 || response) {
            assertEquals(0, length, "no reply to a runt or a response (QR=1)");
            return -1;
        }
        assertTrue(length >= 12, "every query with a full header gets a reply");
        int limit = overTcp ? Codes.MAX_MESSAGE
                : query.hasOpt() ? Math.max(512, Math.min(query.udpPayloadSize(), cap)) : 512;
        assertTrue(length <= limit, () -> "reply of " + length + " bytes over the limit " + limit);
        Message reply;
        try {
            reply = new Message(Arrays.copyOf(out, length));
        } catch (IOException e) {
            throw new AssertionError("reply does not parse: " + e + ": " + HexFormat.of().formatHex(out, 0, length));
        }
        assertEquals(((packet[0] & 0xff) << 8) | (packet[1] & 0xff), reply.getHeader().getID(), "id echoed");
        assertTrue(reply.getHeader().getFlag(Flags.QR), "QR set");
        assertFalse(reply.getHeader().getFlag(Flags.RA), "RA never set");
        assertEquals((packet[2] >>> 3) & 0xf, reply.getHeader().getOpcode(), "opcode echoed");
        assertEquals((packet[2] & 1) != 0, reply.getHeader().getFlag(Flags.RD), "RD echoed");
        if (parsed == ParseResult.QUERY) {
            int end = 12 + query.questionLength();
            assertEquals(1, reply.getHeader().getCount(Section.QUESTION));
            assertTrue(Arrays.equals(packet, 12, end, out, 12, end), "the question is echoed as received");
            assertEquals(query.hasOpt(), reply.getOPT() != null, "OPT in the reply exactly when the query had one");
            if (query.hasTsig()) {
                // The fixture has no keys: every TSIG is one we cannot verify (RFC 8945 §5.2), unless the class
                // is one we do not serve, which is refused before the signature is looked at.
                int rcode = reply.getRcode();
                assertTrue(rcode == org.xbill.DNS.Rcode.NOTAUTH || rcode == org.xbill.DNS.Rcode.FORMERR
                        || rcode == org.xbill.DNS.Rcode.REFUSED,
                        "a query signed with a key we do not have is NOTAUTH (FORMERR when the TSIG is malformed)");
            } else if (!reply.getHeader().getFlag(Flags.TC)) {
                assertTrue(reply.getHeader().getCount(Section.ANSWER) + reply.getHeader().getCount(Section.AUTHORITY)
                        > 0 || reply.getRcode() == org.xbill.DNS.Rcode.REFUSED, "an answer, a referral or an SOA");
            }
        }
        return reply.getRcode();
    }

    /** Small helpers that must not throw checked exceptions in field initialisers. */
    static final class Fixture {
        static InetAddress address(String literal) {
            try {
                return InetAddress.getByName(literal);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A zone transfer request: every message of the stream (a refusal is one message) is a DNS message. */
    private void streamOut(Answerer answerer, byte[] packet, InetAddress source) {
        geodns.server.transfer.TransferStream stream = answerer.stream(packet, packet.length, source, query, out);
        while (!stream.done()) {
            byte[] message = stream.next();
            assertTrue(message.length >= 12, "every message of a transfer has a header");
        }
    }
}
