package geodns.server.health;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the instances' verdicts on the nodes become one: a node is down when a majority of the fresh views (this
 * instance's own included) say so, up when a majority say up, and a tie keeps it as it is. With fewer fresh views
 * than a majority of all {@code instances}, this instance is cut off from most of its peers (partitioned): it
 * trusts its own view alone, since a minority cannot outvote it and a stale one must not.
 *
 * @param instances every instance configured, this one included
 */
public record Majority(int instances) {
    public Majority {
        if (instances < 1) {
            throw new IllegalArgumentException("at least this instance");
        }
    }

    /** The views needed to decide together: more than half of all instances. */
    public int quorum() {
        return instances / 2 + 1;
    }

    /**
     * @param up          node -> up, for every node this instance probes
     * @param partitioned fewer fresh views than {@link #quorum}: {@code up} is this instance's own view
     * @param views       the fresh views counted, this instance's own included
     */
    public record Decision(Map<String, Boolean> up, boolean partitioned, int views) {
        public Decision {
            up = Map.copyOf(up);
        }
    }

    /**
     * @param own     this instance's own verdicts; the merged ones cover the same nodes
     * @param peers   the verdicts of each peer whose view is fresh (a node it does not probe is no vote)
     * @param current the merged verdicts in force, which a tie keeps (a node missing from them: its own verdict)
     */
    public Decision decide(Map<String, Boolean> own, List<Map<String, Boolean>> peers, Map<String, Boolean> current) {
        int views = 1 + peers.size();
        if (views < quorum()) {
            return new Decision(own, true, views);
        }
        Map<String, Boolean> merged = new HashMap<>();
        own.forEach((node, ownUp) -> {
            int up = ownUp ? 1 : 0;
            int down = ownUp ? 0 : 1;
            for (Map<String, Boolean> peer : peers) {
                Boolean vote = peer.get(node);
                if (vote != null) {
                    up += vote ? 1 : 0;
                    down += vote ? 0 : 1;
                }
            }
            merged.put(node, up > down ? Boolean.TRUE : down > up ? Boolean.FALSE : current.getOrDefault(node, ownUp));
        });
        return new Decision(merged, false, views);
    }
}
