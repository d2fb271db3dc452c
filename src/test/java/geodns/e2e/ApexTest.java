package geodns.e2e;

import static geodns.e2e.support.Checks.answer;
import static geodns.e2e.support.Checks.answerInAnyOrder;
import static geodns.e2e.support.Checks.flagSet;
import static geodns.e2e.support.Checks.rcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Checks;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Via;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The zone apex: SOA and NS, with the in-zone name servers' addresses in additional. */
@ExtendWith(ExampleServer.class)
class ApexTest {
    private static final Set<String> NAME_SERVER_ADDRESSES = Set.of(
            "ns1.example.com. A 192.0.2.53", "ns1.example.com. AAAA 2001:db8:10::53",
            "ns2.example.com. A 198.51.100.53", "ns2.example.com. AAAA 2001:db8:30::53");
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void apexNsComesWithTheNameServersAddresses(Via via) {
        Reply reply = via.ask(server, Ask.of("example.com", "NS"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answerInAnyOrder(reply, "example.com. NS ns1.example.com.", "example.com. NS ns2.example.com.");
        assertTrue(Reply.keySet(reply.additional()).containsAll(NAME_SERVER_ADDRESSES),
                () -> "A and AAAA of ns1 and ns2 in additional of" + reply);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void apexSoaComesWithTheNameServerAddresses(Via via) {
        Reply reply = via.ask(server, Ask.of("example.com", "SOA"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "example.com. SOA " + Checks.SOA_DATA);
        assertEquals(3600, reply.answer().get(0).ttl(), () -> "SOA TTL in" + reply);
        // The SOA names ns1 as primary; its addresses (in zone) belong in additional.
        Set<String> additional = Reply.keySet(reply.additional());
        assertTrue(additional.contains("ns1.example.com. A 192.0.2.53")
                        && additional.contains("ns1.example.com. AAAA 2001:db8:10::53"),
                () -> "A and AAAA of ns1.example.com in additional of" + reply);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void apexMxIsAnswered(Via via) {
        Reply reply = via.ask(server, Ask.of("example.com", "MX"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "example.com. MX 10 mail.example.com.");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void apexTxtIsAnswered(Via via) {
        Reply reply = via.ask(server, Ask.of("example.com", "TXT"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "example.com. TXT \"v=spf1 mx -all\"");
    }
}
