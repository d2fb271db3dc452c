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

    /** Nodes without a probe never change. */
    public boolean isChanging(String node) {
        NodeHealth health = nodes.get(node);
        return health != null && health.changing();
    }

    /** True when both views agree on which nodes are up and which are in a changing streak: only that changes answers. */
    public boolean sameAnswers(HealthView other) {
        return sameUpSet(other) && nodes.entrySet().stream()
                .allMatch(e -> e.getValue().changing() == other.nodes.get(e.getKey()).changing());
    }

    /** True when both views agree on which nodes are up. */
    public boolean sameUpSet(HealthView other) {
        if (!nodes.keySet().equals(other.nodes.keySet())) {
            return false;
        }
        return nodes.entrySet().stream().allMatch(e -> e.getValue().up() == other.nodes.get(e.getKey()).up());
    }
}
