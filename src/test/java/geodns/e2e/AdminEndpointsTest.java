package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PromScrape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin port's plain endpoints: readiness, and /metrics as Prometheus text with every promised family. */
@ExtendWith(ExampleServer.class)
class AdminEndpointsTest {
    /** Every metric family docs/operations.md ("Operations") promises, as Prometheus names them. */
    private static final List<String> FAMILIES = List.of(
            "geodns_queries_total", "geodns_geo_answers_total", "geodns_fail_open_answers_total",
            "geodns_client_subnet_total", "geodns_geoip_cache_total", "geodns_reloads_total", "geodns_zone_serial",
            "geodns_dropped_packets_total", "geodns_malformed_packets_total");

    @Test
    void readyzSays200OnceServing(GeodnsServer server) {
        AdminHttp.Response r = AdminHttp.get(server, "/readyz");
        assertEquals(200, r.status(), () -> "" + r);
    }

    @Test
    void metricsAreServedAsPrometheusText(GeodnsServer server) {
        AdminHttp.Response r = AdminHttp.get(server, "/metrics");
        assertEquals(200, r.status(), () -> "" + r);
        assertTrue(r.contentType().startsWith("text/plain") && r.contentType().contains("version=0.0.4"),
                () -> "Prometheus text format 0.0.4: " + r.contentType());
        PromScrape.parse(r.body());   // every line a comment or a sample
    }

    @Test
    void metricsExportEveryPromisedFamily(GeodnsServer server) {
        PromScrape scrape = PromScrape.of(server);
        for (String family : FAMILIES) {
            assertTrue(!scrape.all(family).isEmpty(), () -> family + " missing from /metrics:\n" + scrape);
        }
        for (String type : List.of("A", "AAAA")) {
            for (String transport : List.of("udp", "tcp")) {
                assertTrue(scrape.find("geodns_queries_total", "transport", transport, "qtype", type, "rcode",
                        "NOERROR").isPresent(), () -> transport + " " + type + " NOERROR exported at 0:\n" + scrape);
            }
        }
    }
}
