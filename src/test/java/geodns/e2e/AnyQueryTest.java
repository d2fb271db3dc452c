package geodns.e2e;

import static geodns.e2e.support.Checks.flagClear;
import static geodns.e2e.support.Checks.flagSet;
import static geodns.e2e.support.Checks.nxdomain;
import static geodns.e2e.support.Checks.rcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.Via;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** QTYPE=ANY (RFC 8482): a minimal answer, one RRset of what the name has; never an error. */
@ExtendWith(ExampleServer.class)
class AnyQueryTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    static Stream<Arguments> namesWithData() {
        List<Arguments> out = new ArrayList<>();
        // The apex has SOA, NS, MX and TXT; www has A and AAAA; app has 16 address records.
        for (String name : List.of("example.com", "www.example.com", "app.example.com")) {
            for (Via via : Via.values()) {
                out.add(Arguments.of(name, via));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("namesWithData")
    void anyIsAnsweredWithOneRrsetOfTheName(String name, Via via) {
        Reply reply = via.ask(server, Ask.of(name, "ANY"));
        rcode(reply, "NOERROR");
        flagSet(reply, "aa");
        flagClear(reply, "tc");
        assertFalse(reply.answer().isEmpty(), () -> "a non-empty answer in" + reply);
        Set<String> rrsets = reply.answer().stream().map(r -> r.lowerName() + " " + r.type())
                .collect(Collectors.toSet());
        assertEquals(Set.of(name + ". " + reply.answer().get(0).type()), rrsets,
                () -> "one RRset owned by the query name in" + reply);
        assertTrue(reply.answer().stream().map(Rr::type).noneMatch(t -> t.equals("ANY")),
                () -> "real records in" + reply);
        if (via.transport == geodns.e2e.support.Transport.UDP) {
            assertTrue(reply.size() <= 512, () -> "a small UDP reply, got " + reply.size() + " bytes:" + reply);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void anyForAMissingNameIsNxdomain(Via via) {
        nxdomain(via.ask(server, Ask.of("nope.example.com", "ANY")));
    }
}
