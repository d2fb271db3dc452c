package geodns.e2e;

import static geodns.e2e.support.K8sManifests.K8S;
import static geodns.e2e.support.K8sManifests.NAMESPACE;
import static geodns.e2e.support.K8sManifests.asMap;
import static geodns.e2e.support.K8sManifests.configMapFiles;
import static geodns.e2e.support.K8sManifests.flag;
import static geodns.e2e.support.K8sManifests.generator;
import static geodns.e2e.support.K8sManifests.geodnsContainer;
import static geodns.e2e.support.K8sManifests.list;
import static geodns.e2e.support.K8sManifests.map;
import static geodns.e2e.support.K8sManifests.only;
import static geodns.e2e.support.K8sManifests.port;
import static geodns.e2e.support.K8sManifests.str;
import static geodns.e2e.support.K8sManifests.strings;
import static geodns.e2e.support.K8sManifests.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Prometheus and Grafana: the Service and ServiceMonitor scrape the admin port, and the Grafana dashboard asks only
 * for metrics geodns exports.
 */
@ExtendWith(ServerLogOnFailure.class)
class KubernetesMonitoringTest {
    @Test
    void serviceAndServiceMonitorScrapeTheAdminPort() {
        Map<String, Object> container = geodnsContainer();
        String http = flag(strings(container, "args"), "--http");
        int admin = Integer.parseInt(http.substring(http.lastIndexOf(':') + 1));
        Map<String, Object> podLabels = map(only("DaemonSet"), "spec", "template", "metadata", "labels");

        Map<String, Object> service = only("Service");
        assertEquals("ClusterIP", str(service, "spec", "type"));
        assertTrue(podLabels.entrySet().containsAll(map(service, "spec", "selector").entrySet()),
                "the Service selects the geodns pods");
        List<Object> ports = list(map(service, "spec"), "ports");
        assertEquals(1, ports.size());
        assertEquals("metrics", str(ports.get(0), "name"));
        assertEquals(admin, port(container, asMap(ports.get(0)).get("targetPort")), "the Service targets --http");

        Map<String, Object> monitor = only("ServiceMonitor");
        assertEquals("monitoring.coreos.com/v1", str(monitor, "apiVersion"));
        assertTrue(map(service, "metadata", "labels").entrySet()
                        .containsAll(map(monitor, "spec", "selector", "matchLabels").entrySet()),
                "the ServiceMonitor selects the Service");
        assertTrue(strings(monitor, "spec", "namespaceSelector", "matchNames").contains(NAMESPACE));
        List<Object> endpoints = list(map(monitor, "spec"), "endpoints");
        assertEquals(1, endpoints.size());
        assertEquals("metrics", str(endpoints.get(0), "port"));
        assertEquals("/metrics", str(endpoints.get(0), "path"));
        for (Object relabel : list(asMap(endpoints.get(0)), "relabelings")) {
            assertFalse(Set.of("node", "location", "name", "zone", "result", "rcode")
                            .contains(str(relabel, "targetLabel")),
                    "a target label must not collide with a geodns metric label: " + relabel);
        }
    }

    @Test
    @Timeout(120)
    void grafanaDashboardAsksOnlyForMetricsGeodnsExports(@TempDir Path tmp) throws Exception {
        Map<String, Object> dashboard = yaml(K8S.resolve("grafana-dashboard.json"));
        assertEquals("geodns", dashboard.get("uid"));
        List<String> exprs = new ArrayList<>();
        for (Object panel : list(dashboard, "panels")) {
            assertNotNull(str(panel, "title"));
            for (Object target : list(asMap(panel), "targets")) {
                exprs.add(str(target, "expr"));
            }
        }
        String all = String.join("\n", exprs);
        for (String[] wanted : new String[][] {{"geodns_queries_total", "rcode"}, {"geodns_geo_answers_total",
                "location"}, {"geodns_node_up", "node"}, {"up{", "job=\"geodns\""},
                {"geodns_probe_duration_seconds_sum", "node"}, {"geodns_reloads_total", "result"}}) {
            assertTrue(exprs.stream().anyMatch(e -> e.contains(wanted[0]) && e.contains(wanted[1])),
                    "a panel shows " + wanted[0] + " by " + wanted[1] + ":\n" + all);
        }
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("geodns_[a-z_]+").matcher(all);
        while (m.find()) {
            used.add(m.group());
        }

        Map<String, Object> generator = generator("geodns-grafana-dashboard");
        assertEquals("1", String.valueOf(map(generator, "options", "labels").get("grafana_dashboard")),
                "the ConfigMap carries the Grafana sidecar's label");

        // The cluster's config, probing a closed loopback port instead of the documentation addresses.
        Map<String, String> files = configMapFiles();
        Map<String, Object> geo = new Yaml(new SafeConstructor(new LoaderOptions())).load(files.get("geo.yaml"));
        int closed = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
        map(geo, "health").put("url", "http://127.0.0.1:" + closed + "/ping");
        map(geo, "health").put("interval", "200ms");
        map(geo, "health").remove("share");  // its peers are the documentation addresses: loopback only here
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        files.put("geo.yaml", new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(dump), dump)
                .dump(geo));
        Path zones = ConfigFiles.configMap(tmp.resolve("zones"), files);
        try (GeodnsServer server = GeodnsServer.start(zones)) {
            for (String name : List.of("app.example.com.", "www.example.com.")) {
                DockerfileEntrypointTest.ask(server.dns(), name);
            }
            Set<String> missing = Poll.until(Duration.ofSeconds(30), Duration.ofMillis(250),
                    "every metric the dashboard asks for is in /metrics", () -> {
                        String text = AdminHttp.ok(server, "/metrics");
                        Set<String> absent = new TreeSet<>();
                        for (String metric : used) {
                            if (!Pattern.compile("(?m)^" + metric + "[{ ]").matcher(text).find()) {
                                absent.add(metric);
                            }
                        }
                        return absent;
                    }, Set::isEmpty);
            assertEquals(Set.of(), missing);
        }
    }

}
