package geodns.server.route;

import geodns.server.wire.Sections;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Which nodes of one location answer a query, for one address family: data made when the snapshot is built, so
 * that a query only picks. The policy lists the sets of nodes an answer may carry (all of the location's up
 * nodes, or with {@code max-answers} each window of that many consecutive nodes, so every node gets its share of
 * clients); the caller encodes each set once; a query picks one of them, uniformly.
 *
 * <p>Nodes of unequal weight (gdnsd's {@code weighted}, abh/geodns's picker: selection as data) list the sets
 * with a weight each ({@link #weightedSets}): cumulative weights kept beside the encoded answers and one random
 * draw against them at query time, in {@link Weighted}, a subclass that is not even loaded while no geo name has
 * weights, so the pick of an unweighted selection stays what it was. A node of weight 0 is in no set.
 */
public class NodeSelection {
    private final Sections[] answers;

    private NodeSelection(Sections[] answers) {
        this.answers = answers;
    }

    /** As below, with every node of weight 1. */
    public static <N> NodeSelection of(List<N> nodes, int maxAnswers, Function<List<N>, Sections> encode) {
        return of(nodes, n -> 1, maxAnswers, encode);
    }

    /**
     * @param nodes      the location's nodes that are up (all of them when the name fails open), as records of one
     *                   address family
     * @param weight     each node's weight, 0 to leave it out of every answer
     * @param maxAnswers how many nodes an answer carries at most, 0 for all
     * @param encode     the answer carrying these nodes
     * @return null when there are no nodes of weight above 0: the location has no address of this family to give
     */
    public static <N> NodeSelection of(List<N> nodes, ToIntFunction<N> weight, int maxAnswers,
                                       Function<List<N>, Sections> encode) {
        List<N> answerable = nodes.stream().filter(n -> weight.applyAsInt(n) > 0).toList();
        if (answerable.isEmpty()) {
            return null;
        }
        boolean equal = answerable.stream().mapToInt(weight).distinct().count() == 1;
        if (equal || maxAnswers == 0 || answerable.size() <= maxAnswers) {
            // Every node in every answer, or equal shares: weights change nothing but who is left out.
            return new NodeSelection(sets(answerable, maxAnswers).stream().map(encode).toArray(Sections[]::new));
        }
        List<WeightedSet<N>> sets = weightedSets(answerable, answerable.stream().mapToInt(weight).toArray(),
                maxAnswers);
        int[] cumulative = new int[sets.size()];
        int sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += sets.get(i).weight();
            cumulative[i] = sum;
        }
        return new Weighted(sets.stream().map(s -> encode.apply(s.nodes())).toArray(Sections[]::new), cumulative);
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

    /** A set of nodes an answer may carry, drawn with {@code weight} out of the sum of all sets' weights. */
    record WeightedSet<N>(List<N> nodes, int weight) {}

    /**
     * Sets of {@code k} nodes such that each node is in answers in proportion to its weight (Madow's systematic
     * sampling, exact): the nodes lie on a circle of length {@code k * W} (W the sum of the weights), each on an arc
     * of {@code k * w}; an answer takes the nodes under k points {@code W} apart, the first at u, 0 &le; u &lt; W.
     * The set only changes where u crosses an arc's end, so the arcs' ends cut [0, W) into at most n pieces, each
     * one set, weighted by its length; a node is then in a share {@code k * w / W} of the answers. A node too heavy
     * for that (its share would pass 1: {@code k * w >= W}) is in every answer, and the others share the remaining
     * places. Each set is listed once per member first (rotated), so a node is also first in its share of answers,
     * for clients that take the first address.
     */
    static <N> List<WeightedSet<N>> weightedSets(List<N> nodes, int[] weights, int k) {
        boolean[] always = new boolean[nodes.size()];
        int places = k;
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int i = 0; i < weights.length; i++) {
                if (!always[i] && (long) places * weights[i] >= total) {
                    always[i] = true;
                    places--;
                    total -= weights[i];
                    changed = true;
                }
            }
        }
        // The rest's arcs on the circle [0, places * total), in the nodes' order.
        List<Integer> rest = new ArrayList<>();
        List<Long> arcEnds = new ArrayList<>();
        long end = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!always[i]) {
                rest.add(i);
                end += (long) places * weights[i];
                arcEnds.add(end);
            }
        }
        TreeSet<Long> cuts = new TreeSet<>();
        cuts.add(0L);
        for (long arcEnd : arcEnds) {
            cuts.add(arcEnd % total);
        }
        List<Long> starts = new ArrayList<>(cuts);
        // Two pieces may give the same set: it is listed (and encoded) once, with their weights summed.
        java.util.Map<List<N>, Integer> out = new java.util.LinkedHashMap<>();
        long gcd = 0;
        List<long[]> pieces = new ArrayList<>();
        for (int p = 0; p < starts.size(); p++) {
            long length = (p + 1 < starts.size() ? starts.get(p + 1) : total) - starts.get(p);
            pieces.add(new long[] {starts.get(p), length});
            gcd = gcd(gcd, length);
        }
        for (long[] piece : pieces) {
            boolean[] in = always.clone();
            for (int m = 0; m < places; m++) {
                long point = piece[0] + m * total;
                int arc = 0;
                while (arcEnds.get(arc) <= point) {
                    arc++;
                }
                in[rest.get(arc)] = true;
            }
            List<N> members = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                if (in[i]) {
                    members.add(nodes.get(i));
                }
            }
            for (int first = 0; first < members.size(); first++) {
                List<N> rotation = new ArrayList<>(members.subList(first, members.size()));
                rotation.addAll(members.subList(0, first));
                out.merge(List.copyOf(rotation), Math.toIntExact(piece[1] / gcd), Integer::sum);
            }
        }
        return out.entrySet().stream().map(e -> new WeightedSet<>(e.getKey(), e.getValue())).toList();
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** This query's answer. */
    public Sections pick() {
        Sections[] all = answers;
        return all.length == 1 ? all[0] : all[ThreadLocalRandom.current().nextInt(all.length)];
    }

    /** The answers of {@link #weightedSets}: one draw out of the sum of the weights, found among the cumulative sums. */
    private static final class Weighted extends NodeSelection {
        private final Sections[] answers;
        private final int[] cumulative;

        Weighted(Sections[] answers, int[] cumulative) {
            super(answers);
            this.answers = answers;
            this.cumulative = cumulative;
        }

        @Override
        public Sections pick() {
            int[] sums = cumulative;
            int draw = ThreadLocalRandom.current().nextInt(sums[sums.length - 1]);
            int low = 0;
            int high = sums.length - 1;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (sums[mid] > draw) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            return answers[low];
        }
    }
}
