package geodns.server.health;

import java.util.Map;

/** The health of every probed node at one moment. Immutable; a change publishes a new view. */
public record HealthView(Map<String, NodeHealth> nodes) {

    public HealthView {
        nodes = Map.copyOf(nodes);
    }

    /** With nothing probed, every node is up. */
    public static HealthView allUp() {
        return new HealthView(Map.of());
    }

    /** Nodes without a probe count as up. */
    public boolean isUp(String node) {
        NodeHealth health = nodes.get(node);
        return health == null || health.up();
    }

    /** True when both views agree on which nodes are up: only that changes answers. */
    public boolean sameUpSet(HealthView other) {
        if (!nodes.keySet().equals(other.nodes.keySet())) {
            return false;
        }
        return nodes.entrySet().stream().allMatch(e -> e.getValue().up() == other.nodes.get(e.getKey()).up());
    }
}
