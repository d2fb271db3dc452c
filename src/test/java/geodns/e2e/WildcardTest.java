package geodns.e2e;

import static geodns.e2e.support.Checks.answer;
import static geodns.e2e.support.Checks.flagSet;
import static geodns.e2e.support.Checks.nodata;
import static geodns.e2e.support.Checks.nxdomain;
import static geodns.e2e.support.Checks.rcode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import geodns.e2e.support.Ask;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Via;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Wildcards (RFC 4592) from {@code *.apps.example.com}; {@code static.apps} is an explicit name beside it. */
@ExtendWith(ExampleServer.class)
class WildcardTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void wildcardAnswerIsOwnedByTheQueryName(Via via) {
        Reply reply = via.ask(server, Ask.of("foo.apps.example.com", "A"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "foo.apps.example.com. A 203.0.113.80");
        assertEquals(3600, reply.answer().get(0).ttl(), () -> "the wildcard's TTL in" + reply);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void wildcardMatchesSeveralLabelsDown(Via via) {
        Reply reply = via.ask(server, Ask.of("x.y.apps.example.com", "A"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        answer(reply, "x.y.apps.example.com. A 203.0.113.80");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void wildcardAnswersEachTypeItHas(Via via) {
        Reply reply = via.ask(server, Ask.of("foo.apps.example.com", "TXT"));
        rcode(reply, "NOERROR");
        answer(reply, "foo.apps.example.com. TXT \"answered by the wildcard *.apps.example.com\"");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void wildcardWithoutTheTypeIsNodata(Via via) {
        nodata(via.ask(server, Ask.of("foo.apps.example.com", "AAAA")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void explicitNameIsNotWildcardMatched(Via via) {
        answer(via.ask(server, Ask.of("static.apps.example.com", "A")), "static.apps.example.com. A 203.0.113.81");
        // static.apps has no TXT: NODATA, not the wildcard's TXT.
        nodata(via.ask(server, Ask.of("static.apps.example.com", "TXT")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void namesBelowAnExplicitNameAreNotWildcardMatched(Via via) {
        // The closest encloser is static.apps, which has no wildcard child.
        nxdomain(via.ask(server, Ask.of("x.static.apps.example.com", "A")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void wildcardDoesNotAnswerForItsParent(Via via) {
        // apps.example.com has no records but names below it: an empty non-terminal.
        nodata(via.ask(server, Ask.of("apps.example.com", "A")));
    }
}
