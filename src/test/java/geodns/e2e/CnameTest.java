package geodns.e2e;

import static geodns.e2e.support.Checks.answer;
import static geodns.e2e.support.Checks.flagSet;
import static geodns.e2e.support.Checks.rcode;
import static geodns.e2e.support.Checks.soaInAuthorityWithNegativeTtl;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Via;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CNAMEs (RFC 1034 3.6.2, 4.3.2): followed inside the zone, returned alone when they leave it. */
@ExtendWith(ExampleServer.class)
class CnameTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void cnameInsideTheZoneIsFollowed(Via via) {
        Reply reply = via.ask(server, Ask.of("blog.example.com", "A"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "blog.example.com. CNAME www.example.com.", "www.example.com. A 192.0.2.80");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void cnameChainOfTwoHopsIsFollowedToTheEnd(Via via) {
        Reply reply = via.ask(server, Ask.of("legacy.example.com", "AAAA"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "legacy.example.com. CNAME blog.example.com.", "blog.example.com. CNAME www.example.com.",
                "www.example.com. AAAA 2001:db8:10::80");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void cnameToAnotherZoneIsReturnedAlone(Via via) {
        Reply reply = via.ask(server, Ask.of("docs.example.com", "A"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "docs.example.com. CNAME docs.example.net.");
        assertTrue(reply.authority().stream().noneMatch(r -> r.lowerName().endsWith("example.net.")),
                () -> "nothing about example.net in" + reply);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void queryForTheCnameItselfIsNotFollowed(Via via) {
        Reply reply = via.ask(server, Ask.of("blog.example.com", "CNAME"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "blog.example.com. CNAME www.example.com.");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void cnameToANameWithoutTheTypeIsCnamePlusNodata(Via via) {
        // RFC 2308 2.2: the CNAME in answer, the SOA in authority, NOERROR.
        Reply reply = via.ask(server, Ask.of("blog.example.com", "MX"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "blog.example.com. CNAME www.example.com.");
        soaInAuthorityWithNegativeTtl(reply);
    }
}
