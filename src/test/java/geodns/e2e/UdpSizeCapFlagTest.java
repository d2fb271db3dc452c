package geodns.e2e;

import static geodns.e2e.support.Checks.flagClear;
import static geodns.e2e.support.Checks.flagSet;
import static geodns.e2e.support.Checks.rcode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code --udp-max 4096}: the cap on the EDNS payload size we honour is configurable. */
@ExtendWith(ServerLogOnFailure.class)
class UdpSizeCapFlagTest {
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--udp-max", "4096");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"DIG_UDP", "DNSJAVA_UDP"})
    void largerCapLetsTheFullAnswerThroughUdp(Via via) {
        Reply reply = via.ask(server, Ask.of("big.example.com", "TXT").bufsize(4096));
        rcode(reply, "NOERROR");
        flagClear(reply, "tc");
        assertEquals(EdnsTest.BIG_TXT_COUNT, reply.answer().size(), () -> "all TXT records in" + reply);
        assertTrue(reply.size() > 1232 && reply.size() <= 4096, () -> "size " + reply.size() + " in" + reply);
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"DIG_UDP", "DNSJAVA_UDP"})
    void clientsSmallerSizeStillLimitsTheReply(Via via) {
        Reply reply = via.ask(server, Ask.of("big.example.com", "TXT").bufsize(1232));
        flagSet(reply, "tc");
        assertTrue(reply.size() <= 1232, () -> "at most 1232 bytes, got " + reply.size() + reply);
    }
}
