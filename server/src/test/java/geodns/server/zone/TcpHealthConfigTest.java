package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import geodns.server.health.HttpProbe;
import geodns.server.health.ProbeTarget;
import geodns.server.health.TcpProbe;
import geodns.server.testing.Dns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code tcp://host:port} probe URL in geo.yaml: a connect check, with the keys that apply to it only. */
class TcpHealthConfigTest {
    /** Health settings from line 2 on, then one location of an IPv4 node and an IPv6-only node. */
    static final String GEO = """
            health:
            %s
            locations:
              london:
                coordinates: [51.507, -0.128]
                nodes:
                  lon-1: { ipv4: 192.0.2.11 }
                  lon-2: { ipv6: "2001:db8:10::12"%s }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void zone() {
        Dns.write(dir, "example.com.zone", GeoConfigErrorsTest.ZONE);
    }

    private Map<String, ProbeTarget> probes(String health, String lon2) {
        Dns.write(dir, "geo.yaml", GEO.formatted(health, lon2));
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        return read.sources().probes().stream().collect(Collectors.toMap(ProbeTarget::node, Function.identity()));
    }

    private ConfigError onlyError(String health, String lon2) {
        Dns.write(dir, "geo.yaml", GEO.formatted(health, lon2));
        Zones.Read read = Zones.read(dir);
        assertFalse(read.ok(), "the geo.yaml must be rejected");
        assertEquals(1, read.errors().stream().map(ConfigError::line).distinct().count(), () -> "errors: " + read.errors());
        ConfigError error = read.errors().get(0);
        assertTrue(error.file().endsWith("geo.yaml"), () -> "error: " + error);
        return error;
    }

    private void assertErrorAt(String health, String lon2, String marker, String... words) {
        ConfigError error = onlyError(health, lon2);
        assertEquals(GeoConfigErrorsTest.lineOf(GEO.formatted(health, lon2), marker), error.line(),
                () -> "error: " + error);
        for (String word : words) {
            assertTrue(error.reason().contains(word), () -> "'" + error.reason() + "' should mention '" + word + "'");
        }
    }

    @Test
    void tcpUrlConnectsToTheNodesAddressAndPort() {
        Map<String, ProbeTarget> probes = probes("  url: \"tcp://{ip}:443\"", "");
        assertEquals(new TcpProbe("192.0.2.11", 443), probes.get("lon-1").probe());
        assertEquals(new TcpProbe("2001:db8:10:0:0:0:0:12", 443), probes.get("lon-2").probe(), "IPv6 unbracketed");
    }

    @Test
    void timingKeysApplyToATcpCheckAsToHttp() {
        ProbeTarget p = probes("  url: \"tcp://{ip}:443\"\n  interval: 1s\n  timeout: 500ms\n  fall: 4\n  rise: 5\n"
                + "  jitter: 0.1\n  initial: down", "").get("lon-1");
        assertEquals(Duration.ofSeconds(1), p.interval());
        assertEquals(Duration.ofMillis(500), p.timeout());
        assertEquals(4, p.fall());
        assertEquals(5, p.rise());
        assertEquals(0.1, p.jitter());
        assertFalse(p.initiallyUp());
    }

    @Test
    void aNodeMaySwitchFromTheGlobalHttpCheckToTcp() {
        Map<String, ProbeTarget> probes = probes("  url: \"http://{ip}/ping\"", ", health: { url: \"tcp://{ip}:443\" }");
        assertTrue(probes.get("lon-1").probe() instanceof HttpProbe);
        assertEquals(new TcpProbe("2001:db8:10:0:0:0:0:12", 443), probes.get("lon-2").probe());
    }

    @Test
    void tcpUrlWithoutAPortIsAnError() {
        assertErrorAt("  url: \"tcp://{ip}\"", "", "tcp://", "tcp://host:port");
    }

    @Test
    void tcpUrlWithAPathIsAnError() {
        assertErrorAt("  url: \"tcp://{ip}:443/ping\"", "", "tcp://", "tcp://host:port");
    }

    @Test
    void hostWithATcpCheckIsAnErrorAtTheHost() {
        assertErrorAt("  url: \"tcp://{ip}:443\"\n  host: app.example.com", "", "host: app", "host", "tcp://");
    }

    @Test
    void expectWithATcpCheckIsAnErrorAtTheExpect() {
        assertErrorAt("  url: \"tcp://{ip}:443\"\n  expect: 200", "", "expect: 200", "expect", "tcp://");
    }

    @Test
    void insecureWithATcpCheckIsAnErrorAtTheInsecure() {
        assertErrorAt("  url: \"tcp://{ip}:443\"\n  insecure: true", "", "insecure: true", "insecure", "tcp://");
    }

    @Test
    void anHttpKeyInheritedByANodeCheckedOverTcpIsAnErrorAtThatKey() {
        assertErrorAt("  url: \"http://{ip}/ping\"\n  host: app.example.com", ", health: { url: \"tcp://{ip}:443\" }",
                "host: app", "host", "tcp://");
    }
}
