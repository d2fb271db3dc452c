package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.Axfr;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ProbedWorld;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import geodns.e2e.support.UdpFlood;
import geodns.e2e.support.WebEndpoints;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} passes Prometheus's own linter, {@code promtool check metrics} (Debian's {@code prometheus}
 * package; the test fails where it is missing): every family has HELP and TYPE, names and units as Prometheus
 * wants them. Scraped from a real server that has probed nodes (one of them gone down and counted), refused a
 * transfer and rate-limited a client, so every family geodns has is in the text.
 */
@ExtendWith(ServerLogOnFailure.class)
class MetricsLintTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration STEP = Duration.ofMillis(100);
    private static final List<String> FAMILIES = List.of("geodns_queries_total", "geodns_geo_answers_total",
            "geodns_fail_open_answers_total", "geodns_client_subnet_total", "geodns_geoip_cache_total",
            "geodns_probe_duration_seconds_count", "geodns_probe_duration_seconds_max", "geodns_node_up",
            "geodns_health_transitions_total", "geodns_reloads_total", "geodns_zone_serial",
            "geodns_zone_serial_stale",
            "geodns_dropped_packets_total", "geodns_malformed_packets_total", "geodns_rate_limited_responses_total",
            "geodns_transfers_total", "geodns_notifies_total");

    @TempDir
    Path dir;

    @Test
    void promtoolCheckMetricsPassesOnAServerWithEveryFamily() throws Exception {
        String node = "sin-1";
        try (WebEndpoints web = WebEndpoints.start(ProbedWorld.endpoints())) {
            Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(),
                    ProbedWorld.geoYaml(web.port()));
            try (GeodnsServer server = GeodnsServer.start(zones, "--rrl-exempt", "none", "--rrl-rate", "5")) {
                web.stop(ProbedWorld.endpoint(node));
                Poll.until(WAIT, STEP, node + " down", () -> PromScrape.of(server)
                        .value("geodns_node_up", "node", node), v -> v == 0);
                GeoQuery.of("app.example.com", "A").subnet("10.1.2.0/24").ask(Via.DNSJAVA_UDP, server);
                List<byte[]> flood = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    flood.add(UdpFlood.query(i, "www.example.com.", null, 0));
                }
                UdpFlood.send(server.dns(), "127.0.7.2", flood);
                Axfr.dig(server.dns(), "example.com", "AXFR");
                PromScrape scrape = PromScrape.of(server);
                for (String family : FAMILIES) {
                    assertTrue(!scrape.all(family).isEmpty(), () -> family + " missing from /metrics:\n" + scrape);
                }
                assertTrue(scrape.sum("geodns_rate_limited_responses_total") > 0, () -> "rate limited:\n" + scrape);
                assertTrue(scrape.sum("geodns_transfers_total", "result", "refused") > 0, () -> "refused:\n" + scrape);
                assertTrue(scrape.sum("geodns_health_transitions_total", "node", node, "to", "down") > 0,
                        () -> "transition:\n" + scrape);

                String text = AdminHttp.ok(server, "/metrics");
                Promtool result = promtool(text);
                assertEquals(0, result.exitCode(), () -> "promtool check metrics:\n" + result.output()
                        + "\n--- /metrics\n" + text);
            }
        }
    }

    record Promtool(int exitCode, String output) {}

    /** {@code promtool check metrics} with {@code text} on its standard input. */
    static Promtool promtool(String text) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is needed (apt-get install prometheus; .ci/run installs it): " + e, e);
        }
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish within 30 s");
        }
        return new Promtool(process.exitValue(), output);
    }
}
