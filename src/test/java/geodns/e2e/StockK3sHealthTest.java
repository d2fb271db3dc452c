package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.HealthLog;
import geodns.e2e.support.K8sManifests;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.StockTraefik;
import geodns.e2e.support.Via;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The health probes of the shipped cluster config ({@code k8s/zones/}) against nodes whose port 80 is a stock k3s
 * Traefik ({@link StockTraefik}: {@code 404 page not found} for every request, {@code /ping} included). The zones
 * are the ConfigMap's files as they are, laid out as the kubelet mounts them, with three changes so that a test
 * can run them: each node's address (in geo.yaml and as glue) becomes a loopback address of its own, the probe's
 * port 80 becomes the stand-ins' port, and the interval 200 ms instead of 5 s. Path, Host, expected statuses,
 * timeout, fall and rise are the shipped ones. Clients are placed by the embedded DB (81.2.69.0/24: GB, London).
 */
@ExtendWith(ServerLogOnFailure.class)
class StockK3sHealthTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration EVERY = Duration.ofMillis(100);
    private static final String LONDON_CLIENT = "81.2.69.0/24";

    @TempDir
    static Path dir;
    private static StockTraefik traefik;
    private static GeodnsServer server;
    /** Node name to its loopback address, in geo.yaml's order. */
    private static final Map<String, String> NODES = new LinkedHashMap<>();
    /** A node's address in the shipped files to its loopback address. */
    private static final Map<String, String> LOOPBACK_OF = new LinkedHashMap<>();
    private static final List<String> LONDON_NODES = new ArrayList<>();
    private static int fall;

    @BeforeAll
    static void start() {
        Map<String, String> files = K8sManifests.configMapFiles();
        String geo = files.get("geo.yaml");
        Map<String, Object> config = new Yaml(new SafeConstructor(new LoaderOptions())).load(geo);
        for (Map.Entry<String, Object> location : map(config.get("locations")).entrySet()) {
            for (Map.Entry<String, Object> node : map(map(location.getValue()).get("nodes")).entrySet()) {
                String ipv4 = String.valueOf(map(node.getValue()).get("ipv4"));
                String loopback = "127.0.60." + (NODES.size() + 1);
                NODES.put(node.getKey(), loopback);
                LOOPBACK_OF.put(ipv4, loopback);
                if (location.getKey().equals("london")) {
                    LONDON_NODES.add(node.getKey());
                }
            }
        }
        Map<String, Object> health = map(config.get("health"));
        fall = ((Number) health.get("fall")).intValue();
        String url = String.valueOf(health.get("url"));
        assertTrue(url.startsWith("http://{ip}:80/"), "the shipped probe asks each node's port 80: " + url);

        traefik = StockTraefik.start(List.copyOf(NODES.values()));
        server = GeodnsServer.start(loopbackZones(dir.resolve("zones"), files));
    }

    /** The ConfigMap's files with each node on its loopback address, probed on the stand-ins' port every 200 ms. */
    private static Path loopbackZones(Path where, Map<String, String> files) {
        Map<String, String> loopbackFiles = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            String text = file.getValue();
            for (Map.Entry<String, String> address : LOOPBACK_OF.entrySet()) {
                text = text.replaceAll("(?<![0-9.])" + address.getKey().replace(".", "\\.") + "(?![0-9])",
                        address.getValue());
            }
            if (file.getKey().equals("geo.yaml")) {
                text = text.replace("http://{ip}:80/", "http://{ip}:" + traefik.port() + "/")
                        .replaceFirst("(?m)^(\\s+interval:\\s*)\\S+", "$1200ms");
            }
            loopbackFiles.put(file.getKey(), text);
        }
        // The Secret geodns-peers, which the DaemonSet mounts beside the ConfigMap's files.
        loopbackFiles.put("peers.secret", "3f1e6c0a9b7d2f4e6a8c0b1d3e5f7a9c");
        return ConfigFiles.configMap(where, loopbackFiles);
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (traefik != null) {
                traefik.close();
            }
        }
    }

    @Test
    void everyNodeIsUpAndAnsweredWhileItsTraefikAnswers404() {
        // More probes of every node than it takes to go down: "up" is their verdict, not the initial state.
        Map<String, Integer> start = requests();
        Poll.until(WAIT, EVERY, fall + 1 + " more probes of every node", StockK3sHealthTest::requests,
                now -> NODES.keySet().stream().allMatch(n -> now.get(n) - start.get(n) >= fall + 1));

        for (String address : NODES.values()) {
            assertEquals(404, traefik.lastStatus(address), "the probe met stock Traefik's 404 on " + address);
        }
        Map<String, Boolean> up = up();
        assertEquals(NODES.keySet(), up.keySet(), "every node of geo.yaml on /status.json");
        assertEquals(Set.of(), up.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey)
                .collect(Collectors.toSet()), "nodes down while their Traefik answers");
        assertFalse(server.log().contains("-> down"), () -> "no node went down:\n" + server.log());
        assertEquals(addresses(LONDON_NODES), londonAnswer(), "a London client gets London's nodes");
    }

    @Test
    void aNodeWhoseTraefikIsGoneGoesDownAndLeavesTheAnswers() {
        String gone = LONDON_NODES.get(0);
        traefik.stop(NODES.get(gone));
        try {
            Poll.until(WAIT, EVERY, gone + " down on /status.json", StockK3sHealthTest::up,
                    up -> Boolean.FALSE.equals(up.get(gone)));
            List<String> rest = LONDON_NODES.subList(1, LONDON_NODES.size());
            Poll.until(WAIT, EVERY, "the London answer without " + gone, StockK3sHealthTest::londonAnswer,
                    addresses(rest)::equals);
            assertTrue(HealthLog.transitions(server.log(), gone).stream().anyMatch(t -> t.wasUp() && !t.isUp()
                    && t.line().contains("connection refused")), () -> "logged as down:\n" + server.log());
        } finally {
            traefik.start(NODES.get(gone));
            Poll.until(WAIT, EVERY, gone + " up again", StockK3sHealthTest::up, up -> Boolean.TRUE.equals(up.get(gone)));
        }
    }

    /**
     * The app check geo.yaml's comments offer (url, host and expect, commented under {@code health:}), put in
     * place of the default: each node's Traefik routes the Host to the node's own app, and a node whose app is
     * gone (Traefik answers 502) is down while the others are up.
     */
    @Test
    void theAppCheckInGeoYamlsCommentsTakesANodeWhoseAppIsGoneOutOfTheAnswers(@TempDir Path tmp) {
        Map<String, String> files = K8sManifests.configMapFiles();
        String geo = files.get("geo.yaml");
        Map<String, String> offered = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*#\\s+(url|host|expect):\\s*(\"[^\"]*\"|\\S+)").matcher(geo);
        while (m.find()) {
            offered.putIfAbsent(m.group(1), m.group(2));
        }
        assertEquals(Set.of("url", "host", "expect"), offered.keySet(), "geo.yaml's comments offer an app check");
        String host = offered.get("host");
        geo = geo.replaceFirst("(?m)^  url: .*$", "  url: " + Matcher.quoteReplacement(offered.get("url")))
                .replaceFirst("(?m)^  expect: .*$", "  expect: " + offered.get("expect") + "\n  host: " + host);
        files.put("geo.yaml", geo);

        traefik.route(host, 200);
        String gone = LONDON_NODES.get(0);
        traefik.route(NODES.get(gone), host, 502);
        try (GeodnsServer checked = GeodnsServer.start(loopbackZones(tmp.resolve("zones"), files))) {
            Poll.until(WAIT, EVERY, gone + " down", () -> up(checked), up -> Boolean.FALSE.equals(up.get(gone)));
            Map<String, Integer> start = requests();
            // Both servers probe the stand-ins: twice the probes it takes to go down.
            Poll.until(WAIT, EVERY, 2 * (fall + 1) + " more probes of every node", StockK3sHealthTest::requests,
                    now -> NODES.keySet().stream().allMatch(n -> now.get(n) - start.get(n) >= 2 * (fall + 1)));
            Map<String, Boolean> up = up(checked);
            Map<String, Boolean> expected = new LinkedHashMap<>();
            NODES.keySet().forEach(n -> expected.put(n, !n.equals(gone)));
            assertEquals(expected, up, "only the node whose app is gone is down");
            assertEquals(addresses(LONDON_NODES.subList(1, LONDON_NODES.size())), londonAnswer(checked));
        } finally {
            traefik.route(NODES.get(gone), host, 200);
        }
    }

    private static Map<String, Integer> requests() {
        Map<String, Integer> out = new LinkedHashMap<>();
        NODES.forEach((name, address) -> out.put(name, traefik.requests(address)));
        return out;
    }

    /** Each node's "up" on /status.json. */
    private static Map<String, Boolean> up() {
        return up(server);
    }

    private static Map<String, Boolean> up(GeodnsServer of) {
        Map<String, Object> status = MiniJson.object(AdminHttp.ok(of, "/status.json"));
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Map<String, Object> location : MiniJson.asObjects(status.get("locations"))) {
            for (Map<String, Object> node : MiniJson.asObjects(location.get("nodes"))) {
                out.put((String) node.get("name"), Boolean.TRUE.equals(node.get("up")));
            }
        }
        return out;
    }

    private static Set<String> londonAnswer() {
        return londonAnswer(server);
    }

    private static Set<String> londonAnswer(GeodnsServer of) {
        return GeoWorld.addresses(GeoQuery.of("app.example.com", "A").subnet(LONDON_CLIENT)
                .ask(Via.DNSJAVA_UDP, of).reply(), "A");
    }

    private static Set<String> addresses(List<String> nodes) {
        return nodes.stream().map(NODES::get).collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
