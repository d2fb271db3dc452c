package geodns.e2e.support;

import geodns.e2e.support.GeoWorld.City;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Geodns instances that share health, each a process with its own zones folder and {@code --instance} name, all
 * probing the {@link HealthCluster} nodes' stand-in endpoints ({@link WebEndpoints}) every 200 ms (fall 2,
 * rise 2). An instance can be given nodes whose probes fail for it alone: its probes of them go to an address
 * where nothing listens, as over a broken path, while the node itself is fine.
 */
public final class SharingWorld implements AutoCloseable {
    public static final String SECRET = "5f3c1e0a9b7d2f4e6a8c0b1d3e5f7a9c";
    public final WebEndpoints web;
    private final Path dir;
    private final Path mmdb;
    private final Map<String, GeodnsServer> servers = new LinkedHashMap<>();

    private SharingWorld(Path dir, WebEndpoints web, Path mmdb) {
        this.dir = dir;
        this.web = web;
        this.mmdb = mmdb;
    }

    public static SharingWorld start(Path dir) {
        WebEndpoints web = WebEndpoints.start(HealthCluster.LOCATIONS.stream().flatMap(l -> l.nodes().stream())
                .map(GeoWorld.Node::ipv4).toList());
        try {
            return new SharingWorld(dir, web, GeoWorld.database().write(dir.resolve("cities.mmdb")));
        } catch (IOException e) {
            web.close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the instance {@code name}: its probes of {@code failing} nodes fail; {@code share} is the body of
     * its health: share: block, one setting a line ("secret-file: peers.secret"), or empty for no sharing.
     */
    public GeodnsServer instance(String name, Set<String> failing, List<String> share) {
        Path zones = configure(name, failing, share);
        GeodnsServer server = GeodnsServer.start(zones, "--geoip", mmdb.toString(), "--instance", name);
        servers.put(name, server);
        return server;
    }

    /** Rewrites the instance's geo.yaml (and the secret beside it); the running server reloads it. */
    public Path configure(String name, Set<String> failing, List<String> share) {
        StringBuilder yaml = new StringBuilder("health:\n")
                .append("  url: \"http://{ip}:").append(web.port()).append("/ping\"\n")
                .append("  interval: 200ms\n  timeout: 300ms\n  fall: 2\n  rise: 2\n");
        if (!share.isEmpty()) {
            yaml.append("  share:\n");
            share.forEach(line -> yaml.append("    ").append(line).append('\n'));
        }
        String locations = GeoWorld.locationsYaml(HealthCluster.LOCATIONS);
        int n = 0;
        for (String node : failing) {
            String ip = HealthCluster.LOCATIONS.stream().flatMap(l -> l.nodes().stream())
                    .filter(x -> x.name().equals(node)).findFirst().orElseThrow().ipv4();
            String from = node + ": { ipv4: " + ip;
            if (!locations.contains(from)) {
                throw new AssertionError("no node line " + from + " in " + locations);
            }
            // Nothing listens on 127.0.29.x: each probe of this node is refused, for this instance only.
            locations = locations.replace(from, node + ": { health: { url: \"http://127.0.29." + (++n) + ":"
                    + web.port() + "/ping\" }, ipv4: " + ip);
        }
        yaml.append(locations).append("names:\n  app.example.com:\n    ttl: 5\n");
        Path zones = dir.resolve(name);
        try {
            Files.createDirectories(zones);
            Files.writeString(zones.resolve("peers.secret"), SECRET + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return GeoWorld.writeZones(zones, GeoWorld.exampleZoneWithoutApp(), yaml.toString());
    }

    public GeodnsServer server(String name) {
        return servers.get(name);
    }

    /** The admin base URL of each running instance but {@code name}: its peers: list. */
    public List<String> peersOf(String name) {
        List<String> urls = new ArrayList<>();
        servers.forEach((n, s) -> {
            if (!n.equals(name)) {
                urls.add("http://127.0.0.1:" + s.http().getPort());
            }
        });
        return urls;
    }

    /** The A addresses app.example.com gives a client in {@code city} from {@code server} now. */
    public static Set<String> answer(GeodnsServer server, City city) {
        return GeoWorld.addresses(GeoQuery.of("app.example.com", "A").subnet(city.subnet())
                .ask(Via.DNSJAVA_UDP, server).reply(), "A");
    }

    /** Waits until {@code server}'s answer for {@code city} is {@code expected}. */
    public static void awaitAnswer(GeodnsServer server, City city, Set<String> expected, Duration timeout) {
        Poll.until(timeout, Duration.ofMillis(50), server.description() + " answering " + city + " with " + expected,
                () -> answer(server, city), expected::equals);
    }

    public static double metric(GeodnsServer server, String name, String... labels) {
        return PromScrape.of(server).find(name, labels).orElse(0);
    }

    @Override
    public void close() {
        try {
            servers.values().forEach(GeodnsServer::close);
        } finally {
            web.close();
        }
    }
}
