package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.health.HttpProbe;
import geodns.server.health.ProbeTarget;
import geodns.server.testing.Dns;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code health:} settings of geo.yaml become one probe per node: templates, levels and defaults. */
class HealthConfigTest {
    @TempDir
    Path dir;

    @BeforeEach
    void zone() {
        Dns.write(dir, "example.com.zone", GeoConfigErrorsTest.ZONE);
    }

    /** The probes of a geo.yaml with {@code health} on top of two locations of two nodes each. */
    private Map<String, ProbeTarget> probes(String health, String londonHealth, String lon2Health) {
        Dns.write(dir, "geo.yaml", health + """
                locations:
                  london:
                    coordinates: [51.507, -0.128]
                %s
                    nodes:
                      lon-1: { ipv4: 192.0.2.11, ipv6: "2001:db8:10::11" }
                      lon-2: { ipv6: "2001:db8:10::12"%s }
                  frankfurt:
                    coordinates: [50.110, 8.682]
                    nodes:
                      fra-1: { ipv4: 192.0.2.21 }
                      fra-2: { ipv4: 192.0.2.22 }
                """.formatted(londonHealth, lon2Health));
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        return read.sources().probes().stream().collect(Collectors.toMap(ProbeTarget::node, Function.identity()));
    }

    private static HttpProbe http(ProbeTarget target) {
        return (HttpProbe) target.probe();
    }

    private Map<String, ProbeTarget> probes(String health) {
        return probes(health, "", "");
    }

    @Test
    void withoutAHealthSectionNothingIsProbed() {
        assertEquals(Map.of(), probes(""));
    }

    @Test
    void healthSettingsWithoutAUrlProbeNothing() {
        assertEquals(Map.of(), probes("health:\n  interval: 1s\n  fall: 2\n"));
    }

    @Test
    void globalUrlProbesEveryNodeAtItsAddress() {
        Map<String, ProbeTarget> probes = probes("health:\n  url: \"http://{ip}:8080/ping\"\n");
        assertEquals(List.of("fra-1", "fra-2", "lon-1", "lon-2"), probes.keySet().stream().sorted().toList());
        assertEquals(URI.create("http://192.0.2.21:8080/ping"), http(probes.get("fra-1")).url());
        assertEquals(URI.create("http://192.0.2.11:8080/ping"), http(probes.get("lon-1")).url(), "IPv4 when it has both");
    }

    @Test
    void ipv6OnlyNodeIsProbedAtItsBracketedAddress() {
        ProbeTarget lon2 = probes("health:\n  url: \"http://{ip}:8080/ping\"\n").get("lon-2");
        assertEquals("[2001:db8:10:0:0:0:0:12]", http(lon2).url().getHost());
        assertEquals(8080, http(lon2).url().getPort());
    }

    @Test
    void nodeAndLocationNamesFillTheTemplate() {
        ProbeTarget fra1 = probes("health:\n  url: \"http://{ip}/ping?node={node}&at={location}\"\n").get("fra-1");
        assertEquals(URI.create("http://192.0.2.21/ping?node=fra-1&at=frankfurt"), http(fra1).url());
    }

    @Test
    void defaultsAreHaproxyLike() {
        ProbeTarget p = probes("health:\n  url: \"http://{ip}/ping\"\n").get("fra-1");
        assertEquals(200, http(p).expectFrom());
        assertEquals(399, http(p).expectTo());
        assertEquals(Duration.ofSeconds(5), p.interval());
        assertEquals(Duration.ofSeconds(3), p.timeout());
        assertEquals(0.2, p.jitter());
        assertEquals(3, p.fall());
        assertEquals(2, p.rise());
        assertTrue(p.initiallyUp());
        assertFalse(http(p).insecure());
        assertNull(http(p).host());
    }

    @Test
    void everySettingIsRead() {
        ProbeTarget p = probes("""
                health:
                  url: "https://{ip}:8443/ping"
                  host: app.example.com
                  expect: 200-299
                  interval: 2.5s
                  timeout: 500ms
                  jitter: 0.1
                  fall: 4
                  rise: 5
                  initial: down
                  insecure: true
                """).get("fra-1");
        assertEquals(URI.create("https://192.0.2.21:8443/ping"), http(p).url());
        assertEquals("app.example.com", http(p).host());
        assertEquals(200, http(p).expectFrom());
        assertEquals(299, http(p).expectTo());
        assertEquals(Duration.ofMillis(2500), p.interval());
        assertEquals(Duration.ofMillis(500), p.timeout());
        assertEquals(0.1, p.jitter());
        assertEquals(4, p.fall());
        assertEquals(5, p.rise());
        assertFalse(p.initiallyUp());
        assertTrue(http(p).insecure());
    }

    @Test
    void plainNumberIsSeconds() {
        assertEquals(Duration.ofSeconds(7), probes("health:\n  url: \"http://{ip}/\"\n  interval: 7\n")
                .get("fra-1").interval());
    }

    @Test
    void singleExpectedStatusIsARangeOfOne() {
        ProbeTarget p = probes("health:\n  url: \"http://{ip}/\"\n  expect: 204\n").get("fra-1");
        assertEquals(204, http(p).expectFrom());
        assertEquals(204, http(p).expectTo());
    }

    @Test
    void locationUrlBeatsTheGlobalOne() {
        Map<String, ProbeTarget> probes = probes("health:\n  url: \"http://{ip}/global\"\n  fall: 5\n",
                "    health: { url: \"http://{ip}/london\" }", "");
        assertEquals("/london", http(probes.get("lon-1")).url().getPath());
        assertEquals(5, probes.get("lon-1").fall(), "what the location does not say comes from the global level");
        assertEquals("/global", http(probes.get("fra-1")).url().getPath());
    }

    @Test
    void nodeSettingBeatsLocationAndGlobal() {
        Map<String, ProbeTarget> probes = probes("health:\n  url: \"http://{ip}/global\"\n  timeout: 1s\n",
                "    health: { url: \"http://{ip}/london\", timeout: 2s }",
                ", health: { url: \"https://{ip}/node\", insecure: true }");
        ProbeTarget lon2 = probes.get("lon-2");
        assertEquals("/node", http(lon2).url().getPath());
        assertTrue(http(lon2).insecure());
        assertEquals(Duration.ofSeconds(2), lon2.timeout(), "from the location");
        assertFalse(http(probes.get("lon-1")).insecure(), "the node's setting is its own");
        assertEquals(Duration.ofSeconds(2), probes.get("lon-1").timeout());
    }

    @Test
    void onlyNodesWithAUrlAtSomeLevelAreProbed() {
        Map<String, ProbeTarget> probes = probes("", "    health: { url: \"http://{ip}/ping\" }", "");
        assertEquals(List.of("lon-1", "lon-2"), probes.keySet().stream().sorted().toList());
    }

    @Test
    void nodeSettingsApplyToTheGlobalUrl() {
        ProbeTarget lon2 = probes("health:\n  url: \"http://{ip}/ping\"\n", "", ", health: { initial: down }")
                .get("lon-2");
        assertFalse(lon2.initiallyUp());
    }
}
