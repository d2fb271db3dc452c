package geodns.e2e;

import static geodns.e2e.support.Checks.emptyAnswer;
import static geodns.e2e.support.Checks.flagClear;
import static geodns.e2e.support.Checks.rcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Via;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The delegation of k8s.example.com (RFC 1034 4.3.2 step 3b): referrals, not answers. */
@ExtendWith(ExampleServer.class)
class DelegationTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    /** NOERROR, AA clear, no answer, the child's NS set in authority, its glue in additional. */
    static void referral(Reply reply) {
        rcode(reply, "NOERROR");
        flagClear(reply, "aa");
        emptyAnswer(reply);
        assertEquals(Set.of("k8s.example.com. NS ns1.k8s.example.com.", "k8s.example.com. NS ns2.k8s.example.com."),
                Reply.keySet(reply.authority()), () -> "authority of" + reply);
        assertEquals(2, reply.authority().size(), () -> "authority count of" + reply);
        Set<String> additional = Reply.keySet(reply.additional());
        assertTrue(additional.contains("ns1.k8s.example.com. A 192.0.2.153")
                        && additional.contains("ns2.k8s.example.com. A 198.51.100.153"),
                () -> "glue in additional of" + reply);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void nameBelowTheCutGetsAReferral(Via via) {
        referral(via.ask(server, Ask.of("www.k8s.example.com", "A")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void theCutItselfGetsAReferral(Via via) {
        referral(via.ask(server, Ask.of("k8s.example.com", "A")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void nsQueryAtTheCutGetsAReferral(Via via) {
        referral(via.ask(server, Ask.of("k8s.example.com", "NS")));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void glueIsNotAnsweredAuthoritatively(Via via) {
        referral(via.ask(server, Ask.of("ns1.k8s.example.com", "A")));
    }
}
