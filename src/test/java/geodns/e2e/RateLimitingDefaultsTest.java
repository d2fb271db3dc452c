package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.UdpFlood;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rate limiting is on by default (200/s per network) but never touches loopback, where a local resolver runs. */
@ExtendWith(ExampleServer.class)
class RateLimitingDefaultsTest {

    @Test
    void loopbackIsExemptByDefault(GeodnsServer server) {
        List<byte[]> queries = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            queries.add(UdpFlood.query(i, "www.example.com.", null, 0));
        }
        double limitedBefore = PromScrape.of(server).sum("geodns_rate_limited_responses_total");
        UdpFlood.Result flood = UdpFlood.send(server.dns(), "127.0.0.9", queries);
        assertEquals(2000, flood.answered(), () -> "10 times the default rate from loopback, all answered: " + flood);
        assertEquals(limitedBefore, PromScrape.of(server).sum("geodns_rate_limited_responses_total"),
                "nothing counted as rate limited");
    }
}
