package geodns.server.route;

import geodns.geoip.GeoLookup;
import geodns.geoip.Ranking;
import java.util.List;

/**
 * Why a client gets the locations it gets for one geo name: the group its address falls in, what GeoIP says of
 * it, the ranking with distances and the rule that decided it, and the ECS scope the answer carries. The
 * skipped and chosen locations are filled in by the snapshot, which knows which locations have nodes up; so are
 * the locations with no node up ({@code down}) and whether the answer is a fail-open one (no node of the name
 * is up, so every node is answered and nothing is skipped). {@code spilledOver} lists, when the first location has
 * no node up and the name spills, the locations its clients are spread over with their weights (empty otherwise);
 * {@code weights}, each location's weight now; {@code admin}, the admin states (drain, force) that applied to the
 * ranked locations and their nodes.
 */
public record RouteExplanation(String clientGroup, GeoLookup lookup, Ranking ranking, int scopePrefix,
                          List<String> skipped, String chosen, List<String> down, boolean failOpen,
                          List<Share> spilledOver, java.util.Map<String, Integer> weights,
                          List<String> admin) {

    /** A location a down location's clients spill to, and its weight (the sum of its up nodes' weights). */
    public record Share(String location, int weight) {}

    RouteExplanation(String clientGroup, GeoLookup lookup, Ranking ranking, int scopePrefix) {
        this(clientGroup, lookup, ranking, scopePrefix, List.of(), null, List.of(), false, List.of(),
                java.util.Map.of(), List.of());
    }

    public RouteExplanation withChoice(List<String> skipped, String chosen, List<String> down, boolean failOpen) {
        return new RouteExplanation(clientGroup, lookup, ranking, scopePrefix, List.copyOf(skipped), chosen,
                List.copyOf(down), failOpen, spilledOver, weights, admin);
    }

    /** @param weights per location, the sum of its up nodes' weights (what a spill shares by) */
    public RouteExplanation withShape(List<Share> spilledOver, java.util.Map<String, Integer> weights) {
        return new RouteExplanation(clientGroup, lookup, ranking, scopePrefix, skipped, chosen, down, failOpen,
                List.copyOf(spilledOver), java.util.Map.copyOf(weights), admin);
    }

    public RouteExplanation withAdmin(List<String> applied) {
        return new RouteExplanation(clientGroup, lookup, ranking, scopePrefix, skipped, chosen, down, failOpen,
                spilledOver, weights, List.copyOf(applied));
    }
}
