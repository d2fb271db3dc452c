package geodns.e2e.support;

import geodns.e2e.support.GeoWorld.City;
import geodns.e2e.support.GeoWorld.Location;
import geodns.e2e.support.GeoWorld.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cluster whose nodes are local HTTP endpoints ({@link WebEndpoints}): each node's address is its own loopback
 * address, which is both what DNS answers carry and where its probe goes ({@code http://{ip}:PORT/ping}, Host
 * {@value #HOST}, but {@value #SINGAPORE_HOST} for singapore's node, set on that location). The geodns server under test probes them with the health settings given, and places clients
 * with the {@link GeoWorld} test database.
 */
public final class HealthCluster implements AutoCloseable {
    public static final String HOST = "app.example.com";
    /** Singapore's own health setting, which wins over the global host for its node. */
    public static final String SINGAPORE_HOST = "sin.app.example.com";

    public static final Location LONDON = new Location("london", 51.507, -0.128, List.of(
            new Node("lon-1", "127.0.20.1", null), new Node("lon-2", "127.0.20.2", null)));
    public static final Location FRANKFURT = new Location("frankfurt", 50.110, 8.682, List.of(
            new Node("fra-1", "127.0.20.3", null), new Node("fra-2", "127.0.20.4", null)));
    public static final Location SEATTLE = new Location("seattle", 47.606, -122.332, List.of(
            new Node("sea-1", "127.0.20.5", null)));
    public static final Location SINGAPORE = new Location("singapore", 1.352, 103.820, List.of(
            new Node("sin-1", "127.0.20.6", null)));
    public static final List<Location> LOCATIONS = List.of(LONDON, FRANKFURT, SEATTLE, SINGAPORE);
    /** A client for each location: Madrid's nearest is london (then frankfurt), Berlin's frankfurt, ... */
    public static final Map<Location, City> CLIENT_OF = Map.of(LONDON, GeoWorld.MADRID, FRANKFURT, GeoWorld.BERLIN,
            SEATTLE, GeoWorld.VANCOUVER, SINGAPORE, GeoWorld.SYDNEY);

    public final WebEndpoints web;
    public final GeodnsServer server;
    private final Map<String, String> addressOf = new HashMap<>();

    private HealthCluster(WebEndpoints web, GeodnsServer server) {
        this.web = web;
        this.server = server;
        LOCATIONS.forEach(l -> l.nodes().forEach(n -> addressOf.put(n.name(), n.ipv4())));
    }

    /**
     * Starts the endpoints and a server on zones written to {@code dir}; {@code settings} are the health lines
     * after url and host (e.g. "interval: 200ms").
     */
    public static HealthCluster start(Path dir, String... settings) {
        return start(dir, "5", List.of(), settings);
    }

    /**
     * As above, with app.example.com's {@code ttl} as geo.yaml writes it (e.g. "5-300") and {@code serverArgs}
     * added to the server's command line.
     */
    public static HealthCluster start(Path dir, String ttl, List<String> serverArgs, String... settings) {
        List<String> addresses = LOCATIONS.stream().flatMap(l -> l.nodes().stream()).map(Node::ipv4).toList();
        WebEndpoints web = WebEndpoints.start(addresses);
        try {
            StringBuilder yaml = new StringBuilder("health:\n")
                    .append("  url: \"http://{ip}:").append(web.port()).append("/ping\"\n")
                    .append("  host: ").append(HOST).append('\n');
            for (String s : settings) {
                yaml.append("  ").append(s).append('\n');
            }
            yaml.append(GeoWorld.locationsYaml(LOCATIONS).replace("  singapore:\n",
                    "  singapore:\n    health: { host: " + SINGAPORE_HOST + " }\n"));
            yaml.append("names:\n  app.example.com:\n    ttl: ").append(ttl).append('\n');
            Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), yaml.toString());
            Path mmdb = GeoWorld.database().write(dir.resolve("cities.mmdb"));
            List<String> args = new java.util.ArrayList<>(List.of("--geoip", mmdb.toString()));
            args.addAll(serverArgs);
            return new HealthCluster(web, GeodnsServer.start(zones, args.toArray(String[]::new)));
        } catch (IOException e) {
            web.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            web.close();
            throw e;
        }
    }

    /** The endpoint address of {@code node} ("lon-1" -> "127.0.20.1"), which is also its address in answers. */
    public String address(String node) {
        String a = addressOf.get(node);
        if (a == null) {
            throw new IllegalArgumentException(node);
        }
        return a;
    }

    /** The A addresses app.example.com gives a client in {@code city} right now (ECS, dnsjava over UDP). */
    public Set<String> answerFor(City city) {
        return GeoWorld.addresses(replyFor(city), "A");
    }

    /** The reply to app.example.com A for a client in {@code city} right now (ECS, dnsjava over UDP). */
    public Reply replyFor(City city) {
        return GeoQuery.of("app.example.com", "A").subnet(city.subnet()).ask(Via.DNSJAVA_UDP, server).reply();
    }

    /** What the client of {@code location} (see {@link #CLIENT_OF}) is answered. */
    public Set<String> answerForClientOf(Location location) {
        return answerFor(CLIENT_OF.get(location));
    }

    public List<String> nodes() {
        return LOCATIONS.stream().flatMap(l -> l.nodes().stream()).map(Node::name).toList();
    }

    /** Waits until the server's log says every node is up. */
    public void awaitAllUp(Duration timeout) {
        Poll.until(timeout, Duration.ofMillis(50), "every node up in the server's log",
                () -> nodes().stream().filter(n -> !HealthLog.up(server.log(), n)).toList(), List::isEmpty);
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            web.close();
        }
    }
}
