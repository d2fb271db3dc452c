package geodns.server.route;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the clients of a location with no node up go, for one geo name under one health view: instead of all to
 * the next location of their order (which a whole site's load may take down too), over the next {@code over}
 * locations of their order that can answer, each taking a share in proportion to its weight (the sum of its up
 * nodes' weights).
 *
 * <p>Each client group picks by weighted rendezvous hashing (highest random weight): every candidate location
 * scores {@code weight / -ln(h)} with h a hash of the group and the location, the highest wins. So a group keeps its
 * location across queries and snapshots, and when a candidate comes or goes only the groups that pick it move.
 * Data made when the snapshot is built; the choice is a few hashes, made only for the clients of a down location.
 */
public final class Spill {
    private final int over;
    private final int[] weights;
    private final long[] salts;

    /**
     * @param over      how many of the next locations share the clients, at least 1
     * @param weights   per location index, the sum of its up nodes' weights
     * @param locations per location index, its name (which seeds its hash, so a reordered config moves no one)
     */
    public Spill(int over, int[] weights, String[] locations) {
        this.over = over;
        this.weights = weights.clone();
        this.salts = new long[locations.length];
        for (int i = 0; i < locations.length; i++) {
            salts[i] = Murmur.mix(locations[i].hashCode() * 0x9e3779b97f4a7c15L);
        }
    }

    public int over() {
        return over;
    }

    /**
     * The locations that share the clients of {@code order}'s first location: the next {@code over} of the order
     * that can answer ({@code answers[location]}) and have weight.
     */
    public List<Integer> candidates(int[] order, Object[] answers) {
        List<Integer> out = new ArrayList<>(over);
        for (int i = 1; i < order.length && out.size() < over; i++) {
            int location = order[i];
            if (answers[location] != null && weights[location] > 0) {
                out.add(location);
            }
        }
        return out;
    }

    /** As {@link #candidates}, without a list: the location of them that the group of {@code groupKey} takes. */
    public int choose(int[] order, Object[] answers, long groupKey) {
        long mixed = Murmur.mix(groupKey);
        int best = -1;
        double bestScore = -1;
        int taken = 0;
        for (int i = 1; i < order.length && taken < over; i++) {
            int location = order[i];
            if (answers[location] == null || weights[location] <= 0) {
                continue;
            }
            taken++;
            double score = weights[location] / -Math.log(unit(Murmur.mix(mixed ^ salts[location])));
            if (score > bestScore) {
                best = location;
                bestScore = score;
            }
        }
        return best;
    }

    /** A hash as a number in (0, 1): its top 53 bits, centred in their step so neither end is reached. */
    private static double unit(long hash) {
        return ((hash >>> 11) + 0.5) * 0x1.0p-53;
    }

    /** A location's weight, as spill shares by it. */
    public int weight(int location) {
        return weights[location];
    }
}
