package geodns.e2e.support;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link GeoWorld} locations with every node probed: node N (in {@link GeoWorld#LOCATIONS} order) has its
 * health endpoint on 127.0.40.N, a {@link WebEndpoints} server the test starts, stops and restarts. Probes are
 * fast (every 300 ms, down after 2 failures, up after 2 successes), so health changes show within a second or two.
 */
public final class ProbedWorld {
    /** Global health settings of the geo.yaml: quick probes, generous timeout. */
    public static final String FAST_HEALTH = """
            health:
              interval: 300ms
              timeout: 1s
              jitter: 0.1
              fall: 2
              rise: 2
            """;

    private ProbedWorld() {
    }

    /** Every node, in {@link GeoWorld#LOCATIONS} order. */
    public static List<GeoWorld.Node> nodes() {
        List<GeoWorld.Node> out = new ArrayList<>();
        GeoWorld.LOCATIONS.forEach(l -> out.addAll(l.nodes()));
        return out;
    }

    /** The loopback address of {@code node}'s health endpoint. */
    public static String endpoint(String node) {
        List<GeoWorld.Node> all = nodes();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).name().equals(node)) {
                return "127.0.40." + (i + 1);
            }
        }
        throw new IllegalArgumentException("no node " + node);
    }

    /** The endpoint addresses of every node, for {@link WebEndpoints#start}. */
    public static List<String> endpoints() {
        return nodes().stream().map(n -> endpoint(n.name())).toList();
    }

    /**
     * geo.yaml: {@link #FAST_HEALTH}, the four locations with each node's probe URL
     * {@code http://127.0.40.N:PORT/ping}, and app.example.com (nearest first; unplaced clients get singapore,
     * frankfurt, london, seattle).
     */
    public static String geoYaml(int port) {
        StringBuilder out = new StringBuilder(FAST_HEALTH).append("locations:\n");
        for (GeoWorld.Location l : GeoWorld.LOCATIONS) {
            out.append("  ").append(l.name()).append(":\n");
            out.append("    coordinates: [").append(l.latitude()).append(", ").append(l.longitude()).append("]\n");
            out.append("    nodes:\n");
            for (GeoWorld.Node n : l.nodes()) {
                out.append("      ").append(n.name()).append(": { ipv4: ").append(n.ipv4());
                if (n.ipv6() != null) {
                    out.append(", ipv6: \"").append(n.ipv6()).append('"');
                }
                out.append(", health: { url: \"http://").append(endpoint(n.name())).append(':').append(port)
                        .append("/ping\" } }\n");
            }
        }
        out.append("""
                names:
                  app.example.com:
                    ttl: 30
                    unknown: [singapore, frankfurt, london, seattle]
                """);
        return out.toString();
    }
}
