package geodns.e2e;

import static geodns.e2e.support.Checks.emptyAnswer;
import static geodns.e2e.support.Checks.flagClear;
import static geodns.e2e.support.Checks.rcode;

import geodns.e2e.support.Ask;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Via;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** We are no resolver: names outside every zone, and other classes, are REFUSED. */
@ExtendWith(ExampleServer.class)
class OutsideOurZonesTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    static Stream<Arguments> namesOutsideOurZones() {
        List<Arguments> out = new ArrayList<>();
        for (String name : List.of("example.org", "com", ".", "notexample.com", "www.example.net")) {
            for (Via via : Via.values()) {
                out.add(Arguments.of(name, via));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("namesOutsideOurZones")
    void nameOutsideEveryZoneIsRefused(String name, Via via) {
        Reply reply = via.ask(server, Ask.of(name, "A"));
        rcode(reply, "REFUSED");
        emptyAnswer(reply);
        flagClear(reply, "aa");
        flagClear(reply, "ra");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void chaosClassIsRefused(Via via) {
        Reply reply = via.ask(server, Ask.of("version.bind", "TXT").dnsClass("CH"));
        rcode(reply, "REFUSED");
        emptyAnswer(reply);
        flagClear(reply, "ra");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void chaosClassIsRefusedEvenForOurNames(Via via) {
        Reply reply = via.ask(server, Ask.of("www.example.com", "A").dnsClass("CH"));
        rcode(reply, "REFUSED");
        emptyAnswer(reply);
    }
}
