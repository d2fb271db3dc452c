package geodns.server.route;

import geodns.server.wire.Sections;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Which nodes of one location answer a query, for one address family: data made when the snapshot is built, so
 * that a query only picks. The policy lists the sets of nodes an answer may carry (all of the location's up
 * nodes, or with {@code max-answers} each window of that many consecutive nodes, so every node gets its share of
 * clients); the caller encodes each set once; a query picks one of them, uniformly.
 *
 * <p>A weighted policy (gdnsd's {@code weighted}, abh/geodns's picker: selection as data) is one more way to list
 * the sets, with a weight each: cumulative weights kept beside the encoded answers and one random draw against
 * them at query time. It belongs here, made at build time, so the answer path stays one {@link #pick()}.
 */
public final class NodeSelection {
    private final Sections[] answers;

    private NodeSelection(Sections[] answers) {
        this.answers = answers;
    }

    /**
     * @param nodes      the location's nodes that are up (all of them when the name fails open), as records of one
     *                   address family
     * @param maxAnswers how many nodes an answer carries at most, 0 for all
     * @param encode     the answer carrying these nodes
     * @return null when there are no nodes: the location has no address of this family
     */
    public static <N> NodeSelection of(List<N> nodes, int maxAnswers, Function<List<N>, Sections> encode) {
        if (nodes.isEmpty()) {
            return null;
        }
        return new NodeSelection(sets(nodes, maxAnswers).stream().map(encode).toArray(Sections[]::new));
    }

    /** The node sets an answer may carry: all of them, or each rotation of {@code maxAnswers} consecutive nodes. */
    static <N> List<List<N>> sets(List<N> nodes, int maxAnswers) {
        int n = nodes.size();
        if (maxAnswers == 0 || n <= maxAnswers) {
            return List.of(List.copyOf(nodes));
        }
        List<List<N>> rotations = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            List<N> window = new ArrayList<>();
            for (int i = 0; i < maxAnswers; i++) {
                window.add(nodes.get((start + i) % n));
            }
            rotations.add(List.copyOf(window));
        }
        return rotations;
    }

    /** This query's answer. */
    public Sections pick() {
        Sections[] all = answers;
        return all.length == 1 ? all[0] : all[ThreadLocalRandom.current().nextInt(all.length)];
    }
}
