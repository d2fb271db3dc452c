package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.FromAddress;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.UdpFlood;
import geodns.e2e.support.Wire;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * UDP response rate limiting with {@code --rrl-rate 100 --rrl-slip 2 --rrl-window 1 --rrl-exempt none}: loopback
 * is not exempt, so different 127.x source addresses play clients in different networks (each test its own /24,
 * since the server's accounts outlive a test). Every flood is 2,000 queries at most.
 */
@ExtendWith(ServerLogOnFailure.class)
class RateLimitingTest {
    private static final int RATE = 100;
    private static final int FLOOD = 2000;
    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--rrl-rate", String.valueOf(RATE), "--rrl-slip", "2",
                "--rrl-window", "1", "--rrl-exempt", "none");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<byte[]> queries(int count, String subnetPrefix, int subnets) {
        List<byte[]> queries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String subnet = subnetPrefix == null ? null : subnetPrefix + (i % subnets) + ".0";
            queries.add(UdpFlood.query(i, "www.example.com.", subnet, 24));
        }
        return queries;
    }

    /**
     * At most a full bucket plus a refill for every second boundary the flood may have crossed at the server
     * (whole-second clock), with one second to spare for the server finishing after the client.
     */
    private static int mostAnswersFor(UdpFlood.Result flood) {
        return RATE * (3 + (int) (flood.sendMillis() / 1000));
    }

    private static double metric(String action) {
        return PromScrape.of(server).sum("geodns_rate_limited_responses_total", "action", action);
    }

    @Test
    void floodFromOneNetworkIsLimitedWhileAnotherNetworkIsAnswered() {
        UdpFlood.Result flood = UdpFlood.send(server.dns(), "127.0.1.2", queries(FLOOD, null, 0));
        assertTrue(flood.answered() >= RATE, () -> "the first second's budget is answered: " + flood);
        assertTrue(flood.answered() <= mostAnswersFor(flood), () -> "the rest is limited: " + flood);
        assertTrue(flood.other().isEmpty(), () -> "only answers and truncated replies: " + flood);

        UdpFlood.Result neighbour = UdpFlood.send(server.dns(), "127.0.2.2", queries(50, null, 0));
        assertEquals(50, neighbour.answered(), () -> "another /24 is untouched: " + neighbour);
    }

    @Test
    void everySecondLimitedResponseSlipsAsAnEmptyTruncatedReply() {
        double slippedBefore = metric("slipped");
        double droppedBefore = metric("dropped");
        UdpFlood.Result flood = UdpFlood.send(server.dns(), "127.0.3.2", queries(FLOOD, null, 0));
        int limited = FLOOD - flood.answered();
        assertTrue(flood.other().isEmpty(), () -> "only answers and truncated replies: " + flood);
        assertTrue(Math.abs(flood.truncated() - limited / 2) <= 2,
                () -> "half of the " + limited + " limited responses slip (TC, no records, question echoed): " + flood);
        assertTrue(Math.abs(flood.unanswered() - limited / 2) <= 2, () -> "the other half is dropped: " + flood);
        double slipped = metric("slipped") - slippedBefore;
        double dropped = metric("dropped") - droppedBefore;
        assertEquals(flood.truncated(), slipped, 0.5, "geodns_rate_limited_responses_total{action=slipped}");
        assertEquals(flood.unanswered(), dropped, 0.5, "geodns_rate_limited_responses_total{action=dropped}");
    }

    @Test
    void slippedReplyMakesTheClientRetryOverTcpWhichIsNeverLimited() {
        UdpFlood.send(server.dns(), "127.0.4.2", queries(FLOOD, null, 0));
        // The network is in debt now; TCP from the same address is answered all the same.
        for (int i = 0; i < 20; i++) {
            byte[] reply = FromAddress.tcp("127.0.4.2", server.dns(), Wire.probe(0x7100 + i));
            assertEquals(0, Wire.rcode(reply));
            assertTrue(!Wire.tc(reply) && Wire.parse(reply).getSection(1).size() > 0, "answered over TCP");
        }
    }

    @Test
    void resolverSendingForManyClientSubnetsIsNotLimited() {
        // 100 client subnets, 15 queries each from one resolver address: 15 times the rate in all.
        UdpFlood.Result resolver = UdpFlood.send(server.dns(), "127.0.5.2", queries(1500, "10.5.", 100));
        assertEquals(1500, resolver.answered(), () -> "every client subnet under the rate is answered: " + resolver);
    }

    @Test
    void oneClientSubnetFloodingThroughAResolverIsLimited() {
        UdpFlood.Result flood = UdpFlood.send(server.dns(), "127.0.6.2", queries(FLOOD, "10.6.", 1));
        assertTrue(flood.answered() <= mostAnswersFor(flood), () -> "one client subnet is limited: " + flood);
        UdpFlood.Result others = UdpFlood.send(server.dns(), "127.0.6.2", queries(50, "10.66.", 50));
        assertEquals(50, others.answered(), () -> "other client subnets through that resolver are not: " + others);
    }
}
