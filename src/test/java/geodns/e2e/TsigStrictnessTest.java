package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import geodns.e2e.support.Axfr;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * How strictly a request's TSIG is checked (RFC 8945): the MAC covers the message with its Original ID in the
 * header (§4.3.1), and only a full-length MAC is accepted (§5.2.2.1: a shorter one that the RFC permits is
 * BADTRUNC, one it does not permit FORMERR). Requests are signed here with dnsjava and then altered on the wire.
 */
@ExtendWith(ServerLogOnFailure.class)
class TsigStrictnessTest {
    private static final int NOTAUTH = 9;
    private static final int FORMERR = 1;
    private static final int SHA256_MAC = 32;
    private static final TSIG KEY = new TSIG(TSIG.HMAC_SHA256, Axfr.KEY + ".", Axfr.SECRET);

    @TempDir
    static Path dir;
    private static GeodnsServer server;

    @BeforeAll
    static void start() throws IOException {
        Path zones = dir.resolve("zones");
        Files.createDirectories(zones);
        for (String file : List.of("example.com.zone", "geo.yaml")) {
            Files.copy(GeodnsServer.exampleZones().resolve(file), zones.resolve(file));
        }
        ConfigFiles.replace(zones.resolve("transfer.yaml"), """
                keys:
                  %s: { algorithm: hmac-sha256, secret: "%s" }
                zones:
                  example.com: { allow: [127.0.0.0/8], key: %s }
                """.formatted(Axfr.KEY, Axfr.SECRET, Axfr.KEY));
        server = GeodnsServer.start(zones);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** What was sent: the request's bytes and its TSIG as it went out (to check the reply's signature with). */
    record Signed(byte[] bytes, TSIGRecord tsig) {
    }

    /**
     * example.com {@code type}, signed with the shared key under message id {@code signedId}, then sent with
     * header id {@code headerId}, a TSIG Original ID of {@code originalId} and the first {@code macBytes} of the
     * MAC (more than the hash: the MAC and zero bytes after it).
     */
    static Signed request(int type, int signedId, int headerId, int originalId, int macBytes) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString("example.com."), type, DClass.IN));
        query.getHeader().setID(signedId);
        byte[] unsigned = query.toWire();
        TSIGRecord full = KEY.generate(query, unsigned, Rcode.NOERROR, null);
        TSIGRecord sent = new TSIGRecord(full.getName(), DClass.ANY, 0, full.getAlgorithm(), full.getTimeSigned(),
                full.getFudge(), Arrays.copyOf(full.getSignature(), macBytes), originalId, Rcode.NOERROR, null);
        byte[] tsig = sent.toWire(Section.ADDITIONAL);
        byte[] bytes = Arrays.copyOf(unsigned, unsigned.length + tsig.length);
        System.arraycopy(tsig, 0, bytes, unsigned.length, tsig.length);
        bytes[11]++;  // ARCOUNT: the TSIG
        bytes[0] = (byte) (headerId >>> 8);
        bytes[1] = (byte) headerId;
        return new Signed(bytes, sent);
    }

    /** The reply, and the bytes it came in (a signature covers those, not dnsjava's rendering of them). */
    record Reply(Message message, byte[] bytes) {
    }

    private static Message ask(Transport transport, Signed request) {
        return askRaw(transport, request).message();
    }

    private static Reply askRaw(Transport transport, Signed request) {
        byte[] bytes = Wire.exchange(transport, server.dns(), request.bytes());
        return new Reply(Wire.parse(bytes), bytes);
    }

    @Test
    void aFullMacWithTheMessageIdAsOriginalIdIsAnsweredAndSigned() throws IOException {
        Signed request = request(Type.SOA, 0x7301, 0x7301, 0x7301, SHA256_MAC);
        Reply reply = askRaw(Transport.UDP, request);
        assertEquals(Rcode.NOERROR, reply.message().getRcode(), reply.message()::toString);
        assertEquals(Rcode.NOERROR, verify(reply, request), "the reply is signed with the key");
    }

    @Test
    void anOriginalIdOtherThanTheOneSignedIsBadsig() throws IOException {
        Message reply = ask(Transport.UDP, request(Type.SOA, 0x7302, 0x7302, 0x1234, SHA256_MAC));
        assertEquals(NOTAUTH, reply.getRcode(), reply::toString);
        assertEquals(Rcode.BADSIG, reply.getTSIG().getError(), reply::toString);
    }

    @Test
    void aMessageWhoseIdAForwarderChangedIsAcceptedByItsOriginalId() throws IOException {
        // RFC 8945 §4.3.1: the MAC covers the message with the Original ID in place of the message ID.
        Message reply = ask(Transport.UDP, request(Type.SOA, 0x7303, 0x4321, 0x7303, SHA256_MAC));
        assertEquals(Rcode.NOERROR, reply.getRcode(), reply::toString);
        assertEquals(0x4321, reply.getHeader().getID());
    }

    @Test
    void aMacTruncatedTo16BytesIsNotauthWithBadtruncSigned() throws IOException {
        Signed request = request(Type.SOA, 0x7304, 0x7304, 0x7304, 16);
        Reply reply = askRaw(Transport.UDP, request);
        assertEquals(NOTAUTH, reply.message().getRcode(), reply.message()::toString);
        assertEquals(Rcode.BADTRUNC, reply.message().getTSIG().getError(), reply.message()::toString);
        assertEquals(Rcode.NOERROR, verify(reply, request),
                "a BADTRUNC reply is signed (RFC 8945 §5.3.2), covering the truncated request MAC");
    }

    @Test
    void aMacTruncatedBelowHalfTheHashIsFormerr() throws IOException {
        Message reply = ask(Transport.UDP, request(Type.SOA, 0x7305, 0x7305, 0x7305, 15));
        assertEquals(FORMERR, reply.getRcode(), reply::toString);
    }

    @Test
    void aMacLongerThanTheHashIsFormerr() throws IOException {
        Message reply = ask(Transport.UDP, request(Type.SOA, 0x7306, 0x7306, 0x7306, SHA256_MAC + 1));
        assertEquals(FORMERR, reply.getRcode(), reply::toString);
    }

    @Test
    void anAxfrWithATruncatedMacGetsNoRecords() throws IOException {
        Message reply = ask(Transport.TCP, request(Type.AXFR, 0x7307, 0x7307, 0x7307, 16));
        assertEquals(NOTAUTH, reply.getRcode(), reply::toString);
        assertEquals(0, reply.getSection(Section.ANSWER).size(), reply::toString);
        assertEquals(Rcode.BADTRUNC, reply.getTSIG().getError(), reply::toString);
    }

    @Test
    void anAxfrWithAnAlteredOriginalIdGetsNoRecords() throws IOException {
        Message reply = ask(Transport.TCP, request(Type.AXFR, 0x7308, 0x7308, 0x0001, SHA256_MAC));
        assertEquals(NOTAUTH, reply.getRcode(), reply::toString);
        assertEquals(0, reply.getSection(Section.ANSWER).size(), reply::toString);
        assertEquals(Rcode.BADSIG, reply.getTSIG().getError(), reply::toString);
    }

    /** The reply's TSIG checked against the request's MAC as it was sent. */
    private static int verify(Reply reply, Signed request) {
        assertNotNull(reply.message().getTSIG(), "the reply has a TSIG");
        return KEY.verify(Wire.parse(reply.bytes()), reply.bytes(), request.tsig());
    }
}
