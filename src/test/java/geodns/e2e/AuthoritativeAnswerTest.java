package geodns.e2e;

import static geodns.e2e.support.Checks.answer;
import static geodns.e2e.support.Checks.answerInAnyOrder;
import static geodns.e2e.support.Checks.flagClear;
import static geodns.e2e.support.Checks.flagSet;
import static geodns.e2e.support.Checks.rcode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Via;
import geodns.e2e.support.Wire;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 1034/1035 header semantics of answers from our zones: AA, RA, RD, the question echoed as asked. */
@ExtendWith(ExampleServer.class)
class AuthoritativeAnswerTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void answersFromOurZonesAreAuthoritative(Via via) {
        Reply reply = via.ask(server, Ask.of("www.example.com", "A"));
        rcode(reply, "NOERROR");
        flagSet(reply, "qr");
        flagSet(reply, "aa");
        answer(reply, "www.example.com. A 192.0.2.80");
        assertEquals(3600, reply.answer().get(0).ttl(), () -> "TTL from $TTL in" + reply);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aaaaRecordsAreAnswered(Via via) {
        Reply reply = via.ask(server, Ask.of("www.example.com", "AAAA"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "www.example.com. AAAA 2001:db8:10::80");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void theGeoNameAnswersAnUnplacedClientWithTheFirstLocationOfItsUnknownOrder(Via via) {
        // Loopback is in no GeoIP database: geo.yaml's unknown order puts london first.
        Reply a = via.ask(server, Ask.of("app.example.com", "A"));
        answerInAnyOrder(a, "app.example.com. A 192.0.2.11", "app.example.com. A 192.0.2.12");
        assertTrue(a.answer().stream().allMatch(r -> r.ttl() == 30), () -> "geo.yaml's TTL 30 in" + a);
        Reply aaaa = via.ask(server, Ask.of("app.example.com", "AAAA"));
        answerInAnyOrder(aaaa, "app.example.com. AAAA 2001:db8:10::11", "app.example.com. AAAA 2001:db8:10::12");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void recursionIsNeverAvailable(Via via) {
        for (Ask ask : List.of(Ask.of("www.example.com", "A"), Ask.of("nope.example.com", "A"),
                Ask.of("www.k8s.example.com", "A"), Ask.of("example.org", "A"), Ask.of("www.example.com", "MX"))) {
            Reply reply = via.ask(server, ask);
            flagClear(reply, "ra");
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void recursionDesiredIsEchoedWhenSet(Via via) {
        Reply reply = via.ask(server, Ask.of("www.example.com", "A"));
        flagSet(reply, "rd");
        flagClear(reply, "ra");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void recursionDesiredStaysClearWhenNotAsked(Via via) {
        Reply reply = via.ask(server, Ask.of("www.example.com", "A").noRecurse());
        flagClear(reply, "rd");
        flagSet(reply, "aa");
        answer(reply, "www.example.com. A 192.0.2.80");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void questionIsEchoedInItsLetterCase(Via via) {
        Reply reply = via.ask(server, Ask.of("WwW.ExAmPlE.cOm", "A"));
        rcode(reply, "NOERROR");
        assertEquals(1, reply.question().size(), () -> "one question in" + reply);
        Rr question = reply.question().get(0);
        assertEquals("WwW.ExAmPlE.cOm.", question.name(), () -> "question of" + reply);
        assertEquals("A", question.type());
        assertEquals("IN", question.cls());
        answer(reply, "www.example.com. A 192.0.2.80");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void questionBytesAreEchoedExactly(Transport transport) {
        byte[] query = RawQuery.query(0x4a7e, "WwW.ExAmPlE.cOm.", RawQuery.TYPE_A).bytes();
        byte[] reply = Wire.exchange(transport, server.dns(), query);
        assertEquals(0x4a7e, Wire.id(reply), "id echoed");
        assertTrue(Wire.qr(reply), "QR set");
        assertEquals(1, Wire.qdcount(reply), "QDCOUNT");
        assertTrue(reply.length >= query.length, "reply shorter than the query");
        assertArrayEquals(Arrays.copyOfRange(query, 12, query.length), Arrays.copyOfRange(reply, 12, query.length),
                () -> "question section (bytes 12..) of the reply:\n" + Wire.hex(reply));
    }
}
