package geodns.e2e;

import static geodns.e2e.support.Checks.answer;
import static geodns.e2e.support.Checks.nodata;
import static geodns.e2e.support.Checks.nxdomain;

import geodns.e2e.support.Ask;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Via;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NXDOMAIN and NODATA (RFC 1034 4.3.2, RFC 2308): both authoritative, with the zone's SOA in authority whose TTL
 * is min(SOA TTL 3600, MINIMUM 300) = 300.
 */
@ExtendWith(ExampleServer.class)
class NegativeAnswerTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void missingNameIsNxdomainWithSoaAndNegativeTtl(Via via) {
        nxdomain(via.ask(server, Ask.of("nope.example.com", "A")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void nameBelowAnExistingNameIsNxdomain(Via via) {
        nxdomain(via.ask(server, Ask.of("deeper.www.example.com", "A")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void missingTypeAtAnExistingNameIsNodataWithSoaAndNegativeTtl(Via via) {
        nodata(via.ask(server, Ask.of("www.example.com", "MX")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void emptyNonTerminalIsNodata(Via via) {
        // a.b.example.com has an A record, so b.example.com exists without records of its own.
        answer(via.ask(server, Ask.of("a.b.example.com", "A")), "a.b.example.com. A 192.0.2.99");
        nodata(via.ask(server, Ask.of("b.example.com", "A")));
        nodata(via.ask(server, Ask.of("b.example.com", "TXT")));
    }
}
