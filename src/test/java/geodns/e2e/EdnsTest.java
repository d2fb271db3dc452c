package geodns.e2e;

import static geodns.e2e.support.Checks.answer;
import static geodns.e2e.support.Checks.emptyAnswer;
import static geodns.e2e.support.Checks.flagClear;
import static geodns.e2e.support.Checks.flagSet;
import static geodns.e2e.support.Checks.rcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Dig;
import geodns.e2e.support.Dnsjava;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Via;
import geodns.e2e.support.Wire;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** EDNS (RFC 6891) and UDP payload sizes, with the default --udp-max of 1232. */
@ExtendWith(ExampleServer.class)
class EdnsTest {
    /** big.example.com has nine TXT records of 200 characters: about 1.9 kB. */
    static final int BIG_TXT_COUNT = 9;
    /** medium.example.com has three: about 690 bytes with EDNS. */
    static final int MEDIUM_TXT_COUNT = 3;
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void optIsEchoedWhenTheQueryHasOne(Via via) {
        for (Ask ask : List.of(Ask.of("www.example.com", "A"), Ask.of("nope.example.com", "A"),
                Ask.of("example.org", "A"))) {
            Reply reply = via.ask(server, ask);
            assertNotNull(reply.edns(), () -> "an OPT record in" + reply);
            assertEquals(0, reply.edns().version(), () -> "EDNS version in" + reply);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void noOptWhenTheQueryHasNone(Via via) {
        for (Ask ask : List.of(Ask.of("www.example.com", "A"), Ask.of("nope.example.com", "A"),
                Ask.of("example.org", "A"))) {
            Reply reply = via.ask(server, ask.noEdns());
            assertNull(reply.edns(), () -> "no OPT record in" + reply);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void ednsVersionAboveZeroIsBadvers(Via via) {
        Reply reply = via.ask(server, Ask.of("www.example.com", "A").ednsVersion(1));
        rcode(reply, "BADVERS");
        emptyAnswer(reply);
        assertNotNull(reply.edns(), () -> "BADVERS travels in an OPT record:" + reply);
        assertEquals(0, reply.edns().version(), () -> "the version we do speak (0) in" + reply);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void unknownOptionIsIgnored(Via via) {
        Reply reply = via.ask(server, Ask.of("www.example.com", "A").option(65001, "abcd"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "www.example.com. A 192.0.2.80");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void unknownEdnsFlagsAreIgnored(Via via) {
        Reply reply = via.ask(server, Ask.of("www.example.com", "A").ednsFlags(0x4000));
        rcode(reply, "NOERROR");
        answer(reply, "www.example.com. A 192.0.2.80");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void twoOptRecordsAreFormerr(Transport transport) {
        byte[] query = RawQuery.query(0x0b0b, "www.example.com.", RawQuery.TYPE_A).opt(0, 1232).opt(0, 1232)
                .bytes();
        byte[] reply = Wire.exchange(transport, server.dns(), query);
        assertFormerr(0x0b0b, reply);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void optWithANonRootOwnerIsFormerr(Transport transport) {
        byte[] query = RawQuery.query(0x0c0c, "www.example.com.", RawQuery.TYPE_A)
                .opt(RawQuery.name("www.example.com."), 0, 1232).bytes();
        byte[] reply = Wire.exchange(transport, server.dns(), query);
        assertFormerr(0x0c0c, reply);
    }

    static void assertFormerr(int id, byte[] reply) {
        assertEquals(id, Wire.id(reply), () -> "id echoed in\n" + Wire.hex(reply));
        assertTrue(Wire.qr(reply), () -> "QR set in\n" + Wire.hex(reply));
        assertEquals(1, Wire.rcode(reply), () -> "RCODE FORMERR (1) in\n" + Wire.hex(reply));
    }

    // ---------------------------------------------------------------------------------------- sizes

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"DIG_UDP", "DNSJAVA_UDP"})
    void udpRepliesAreCappedAt1232WhateverTheClientOffers(Via via) {
        Reply reply = via.ask(server, Ask.of("big.example.com", "TXT").bufsize(4096));
        rcode(reply, "NOERROR");
        flagSet(reply, "tc");
        assertTrue(reply.size() > 0 && reply.size() <= 1232, () -> "at most 1232 bytes, got " + reply.size() + reply);
        assertNotNull(reply.edns(), () -> "a truncated reply still carries the OPT record:" + reply);
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"DIG_UDP", "DNSJAVA_UDP"})
    void smallerAdvertisedSizeIsHonoured(Via via) {
        Reply reply = via.ask(server, Ask.of("medium.example.com", "TXT").bufsize(600));
        flagSet(reply, "tc");
        assertTrue(reply.size() <= 600, () -> "at most the advertised 600 bytes, got " + reply.size() + reply);
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"DIG_UDP", "DNSJAVA_UDP"})
    void advertisedSizeBelow512CountsAs512(Via via) {
        // RFC 6891 6.2.5: values below 512 are treated as 512. The apex NS answer with its addresses is ~200 bytes.
        // (SimpleResolver would read only the 100 bytes it advertised, so dnsjava's query goes over a raw socket.)
        Ask ask = Ask.of("example.com", "NS").bufsize(100);
        Reply reply = via.isDig() ? via.ask(server, ask) : Dnsjava.askRaw(server.dns(), via.transport, ask);
        rcode(reply, "NOERROR");
        flagClear(reply, "tc");
        assertTrue(reply.size() > 100, () -> "more than the advertised 100 bytes, got " + reply.size() + reply);
        assertEquals(2, reply.answer().size(), () -> "both name servers in" + reply);
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"DIG_UDP", "DNSJAVA_UDP"})
    void withoutEdnsUdpRepliesAreAtMost512Bytes(Via via) {
        Reply reply = via.ask(server, Ask.of("medium.example.com", "TXT").noEdns());
        rcode(reply, "NOERROR");
        flagSet(reply, "tc");
        assertTrue(reply.size() <= 512, () -> "at most 512 bytes, got " + reply.size() + reply);
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"DIG_UDP", "DNSJAVA_UDP"})
    void withEdnsUdpRepliesMayExceed512Bytes(Via via) {
        Reply reply = via.ask(server, Ask.of("medium.example.com", "TXT"));
        rcode(reply, "NOERROR");
        flagClear(reply, "tc");
        assertEquals(MEDIUM_TXT_COUNT, reply.answer().size(), () -> "all TXT records in" + reply);
        assertTrue(reply.size() > 512, () -> "the whole answer is larger than 512 bytes:" + reply);
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"DIG_TCP", "DNSJAVA_TCP"})
    void tcpCarriesTheFullAnswer(Via via) {
        for (Ask ask : List.of(Ask.of("big.example.com", "TXT"), Ask.of("big.example.com", "TXT").noEdns())) {
            Reply reply = via.ask(server, ask);
            rcode(reply, "NOERROR");
            flagSet(reply, "aa");
            flagClear(reply, "tc");
            assertEquals(BIG_TXT_COUNT, reply.answer().size(), () -> "all TXT records in" + reply);
            assertTrue(reply.size() > 1232, () -> "more than fits in UDP:" + reply);
        }
    }

    @Test
    void digFallsBackToTcpOnTruncationAndGetsEverything() {
        Dig.Output output = Dig.run(server.dns(), "+bufsize=4096", "-t", "TXT", "-q", "big.example.com");
        assertTrue(output.text().contains("Truncated, retrying in TCP mode"), output::text);
        Reply reply = output.only();
        rcode(reply, "NOERROR");
        flagClear(reply, "tc");
        assertEquals(BIG_TXT_COUNT, reply.answer().size(), output::text);
    }
}
