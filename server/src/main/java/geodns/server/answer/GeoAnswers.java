package geodns.server.answer;

import geodns.server.metrics.Tally;
import geodns.server.route.ClientGroup;
import geodns.server.route.NodeSelection;
import geodns.server.route.Routing;
import geodns.server.route.Spill;
import geodns.server.wire.Codes;
import geodns.server.wire.Query;
import geodns.server.wire.Sections;
import java.util.List;

/**
 * One geo name's possible answers, encoded at load time: for each of its locations, the {@link NodeSelection}
 * of its A and of its AAAA nodes. A client's ranked order of locations picks the location at query time, and the
 * location's selection the answer.
 */
public final class GeoAnswers {

    private final NodeSelection[] a;
    private final NodeSelection[] aaaa;
    private final Sections noAaaa;
    private final int geoName;
    private final Tally[] chosen;
    private final String[] locations;
    private final Tally failOpen;
    private final String name;
    private final boolean[] up;
    /** Null when the name does not spill, or not now (fail-open: every location answers). */
    private final Spill spill;
    private final int[] weights;
    private final java.util.List<java.util.List<String>> admin;

    /**
     * @param geoName the geo name's index, which {@link Routing} ranks locations for
     * @param name    the geo name, as /status and /explain name it
     * @param up      per location index, whether any of its nodes is up (with fail-open, its answer has them all)
     * @param a       per location index, the selection of its A answer; null when it has none
     * @param aaaa    the same for AAAA
     * @param noAaaa  the answer when no location has IPv6 (NODATA)
     * @param locations the location names, by index
     * @param chosen  per location, the counter of answers it gave
     * @param failOpen counted on every answer when no node is up and all are answered; null otherwise
     * @param spill   where the clients of a location with no node up go; null for the next location of their order
     * @param weights per location index, the sum of its up nodes' weights (what /explain shows, and spill shares by)
     * @param admin   per location index, the admin states (drain, force) that applied to it, for /explain
     */
    public GeoAnswers(int geoName, String name, String[] locations, boolean[] up, NodeSelection[] a,
                      NodeSelection[] aaaa, Sections noAaaa, Tally[] chosen, Tally failOpen, Spill spill,
                      int[] weights, java.util.List<java.util.List<String>> admin) {
        this.admin = java.util.List.copyOf(admin);
        this.spill = spill;
        this.weights = weights.clone();
        this.name = name;
        this.up = up.clone();
        this.locations = locations.clone();
        this.geoName = geoName;
        this.chosen = chosen;
        this.failOpen = failOpen;
        this.a = a;
        this.aaaa = aaaa;
        this.noAaaa = noAaaa;
    }

    static boolean handles(int qtype) {
        return qtype == Codes.TYPE_A || qtype == Codes.TYPE_AAAA || qtype == Codes.TYPE_ANY;
    }

    int geoName() {
        return geoName;
    }

    String name() {
        return name;
    }

    /** True when no node of this name is up and every node is answered. */
    boolean failOpen() {
        return failOpen != null;
    }

    boolean up(int location) {
        return up[location];
    }

    java.util.List<String> admin(int location) {
        return admin.get(location);
    }

    int locationCount() {
        return locations.length;
    }

    String location(int index) {
        return locations[index];
    }

    int indexOf(String location) {
        return java.util.Arrays.asList(locations).indexOf(location);
    }

    /** Whether {@code location} has addresses for {@code qtype} (A for ANY) in answers now. */
    boolean answers(int qtype, int location) {
        return (qtype == Codes.TYPE_AAAA ? aaaa : a)[location] != null;
    }

    /** The sum of the weights of the location's up nodes. */
    int weight(int location) {
        return weights[location];
    }

    /** The name's spill, or null when it does not spill now. */
    Spill spill() {
        return spill;
    }

    /**
     * Where a client of the group {@code groupKey} is answered when its first location has no node up: the
     * location the spill gives it among the next ones that answer {@code qtype}, or {@code fallback} when none
     * can (then the next location of the order, if any, answers as without spill).
     */
    int spilled(int qtype, int[] order, long groupKey, int fallback) {
        int chosen = spill.choose(order, qtype == Codes.TYPE_AAAA ? aaaa : a, groupKey);
        return chosen < 0 ? fallback : chosen;
    }

    /** The locations a down first location's clients are spread over for {@code qtype}, by index. */
    List<Integer> spillCandidates(int qtype, int[] order) {
        return spill == null || up[order[0]] ? List.of() : spill.candidates(order, qtype == Codes.TYPE_AAAA ? aaaa : a);
    }

    /**
     * The location that answers a client with this ranked {@code order}: the first with addresses of the asked
     * family (A for ANY), or -1 when none has any. The answer path, /explain and the catchment map all ask here.
     */
    int pick(int qtype, int[] order) {
        NodeSelection[] family = qtype == Codes.TYPE_AAAA ? aaaa : a;
        for (int location : order) {
            if (family[location] != null) {
                return location;
            }
        }
        return -1;
    }

    /**
     * For A, AAAA or ANY: the answer of the location {@link #pick} chooses, or, when the client's first location has
     * no node up and the name spills, of the location its group takes ({@link #spilled}). The first location up
     * costs nothing more than the comparison that sees it was chosen.
     */
    Sections answer(int qtype, int[] order, Query q) {
        int location = pick(qtype, order);
        if (location != order[0] && spill != null && !up[order[0]]) {
            int family = q.clientFamily();
            int group = ClientGroup.capped(family, q.clientPrefix());
            location = spilled(qtype, order, ClientGroup.key(family, q.clientAddress(), group), location);
            // The answer now holds for this group only, not for the whole GeoIP network the route's scope names.
            q.replyScope(group);
        }
        if (location < 0) {
            return noAaaa;
        }
        chosen[location].increment();
        if (failOpen != null) {
            failOpen.increment();
        }
        return (qtype == Codes.TYPE_AAAA ? aaaa : a)[location].pick();
    }
}
