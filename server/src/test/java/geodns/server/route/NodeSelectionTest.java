package geodns.server.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import geodns.server.wire.Sections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeSelectionTest {
    private static final List<String> THREE = List.of("fra-1", "fra-2", "fra-3");

    @Test
    void withoutACapEveryAnswerCarriesAllNodes() {
        assertEquals(List.of(THREE), NodeSelection.sets(THREE, 0));
    }

    @Test
    void aCapAtOrAboveTheNodeCountCarriesAllNodes() {
        assertEquals(List.of(THREE), NodeSelection.sets(THREE, 3));
    }

    @Test
    void aCapBelowTheNodeCountRotatesSoEachNodeLeadsOnce() {
        assertEquals(List.of(List.of("fra-1", "fra-2"), List.of("fra-2", "fra-3"), List.of("fra-3", "fra-1")),
                NodeSelection.sets(THREE, 2));
    }

    @Test
    void aLocationWithNoNodesOfTheFamilyHasNoSelection() {
        assertNull(NodeSelection.of(List.of(), 0, nodes -> Sections.empty(0)));
    }

    @Test
    void oneSetIsEncodedOnceAndEveryQueryGetsIt() {
        Map<List<String>, Sections> encoded = new HashMap<>();
        NodeSelection all = NodeSelection.of(THREE, 0, nodes -> encoded.computeIfAbsent(nodes, n -> Sections.empty(0)));
        assertEquals(1, encoded.size());
        for (int i = 0; i < 100; i++) {
            assertSame(encoded.get(THREE), all.pick());
        }
    }

    @Test
    void queriesPickEveryRotation() {
        Map<List<String>, Sections> encoded = new HashMap<>();
        NodeSelection rotating = NodeSelection.of(THREE, 1, nodes -> encoded.computeIfAbsent(nodes,
                n -> Sections.empty(0)));
        assertEquals(3, encoded.size(), "one answer per rotation, encoded at build time");
        Set<Sections> picked = new HashSet<>();
        for (int i = 0; i < 10_000 && picked.size() < 3; i++) {
            picked.add(rotating.pick());
        }
        assertEquals(new HashSet<>(encoded.values()), picked);
    }

    /** Each node's share of answers that carry it, and of answers it leads, from the sets' weights (exact). */
    private static Map<String, double[]> shares(List<NodeSelection.WeightedSet<String>> sets) {
        double total = sets.stream().mapToInt(NodeSelection.WeightedSet::weight).sum();
        Map<String, double[]> out = new HashMap<>();
        for (NodeSelection.WeightedSet<String> set : sets) {
            assertEquals(set.nodes().size(), new HashSet<>(set.nodes()).size(), () -> "no node twice: " + set);
            for (String node : set.nodes()) {
                out.computeIfAbsent(node, n -> new double[2])[0] += set.weight() / total;
            }
            out.get(set.nodes().get(0))[1] += set.weight() / total;
        }
        return out;
    }

    @Test
    void aNodeOfWeightTwoIsInTwiceTheShareOfAnswersOfANodeOfWeightOne() {
        List<String> nodes = List.of("lon-1", "lon-2", "lon-3", "lon-4");
        Map<String, double[]> shares = shares(NodeSelection.weightedSets(nodes, new int[] {2, 1, 1, 1}, 2));
        assertEquals(0.8, shares.get("lon-1")[0], 1e-9, "2 places x 2/5");
        for (String one : List.of("lon-2", "lon-3", "lon-4")) {
            assertEquals(0.4, shares.get(one)[0], 1e-9, one + ": 2 places x 1/5");
            assertEquals(0.2, shares.get(one)[1], 1e-9, one + " leads 1/5 of the answers");
        }
        assertEquals(0.4, shares.get("lon-1")[1], 1e-9, "lon-1 leads 2/5 of the answers");
    }

    @Test
    void aNodeTooHeavyForItsShareIsInEveryAnswerAndTheOthersShareTheRest() {
        Map<String, double[]> shares = shares(NodeSelection.weightedSets(List.of("a", "b", "c"), new int[] {10, 1, 3},
                2));
        assertEquals(1.0, shares.get("a")[0], 1e-9);
        assertEquals(0.25, shares.get("b")[0], 1e-9, "the one place left: 1 of 1 + 3");
        assertEquals(0.75, shares.get("c")[0], 1e-9);
    }

    @Test
    void weightedAnswersCarryMaxAnswersNodesAndLeaveWeightZeroOut() {
        Map<List<String>, Sections> encoded = new HashMap<>();
        Map<String, Integer> weights = Map.of("a", 3, "b", 1, "c", 0, "d", 2);
        NodeSelection.of(List.of("a", "b", "c", "d"), weights::get, 2,
                nodes -> encoded.computeIfAbsent(nodes, n -> Sections.empty(0)));
        encoded.keySet().forEach(set -> assertEquals(2, set.size(), () -> "two nodes: " + set));
        assertEquals(Set.of("a", "b", "d"), encoded.keySet().stream().flatMap(List::stream)
                .collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void withoutACapWeightZeroStillLeavesTheNodeOut() {
        Map<List<String>, Sections> encoded = new HashMap<>();
        Map<String, Integer> weights = Map.of("a", 3, "b", 0, "c", 1);
        NodeSelection.of(List.of("a", "b", "c"), weights::get, 0,
                nodes -> encoded.computeIfAbsent(nodes, n -> Sections.empty(0)));
        assertEquals(Set.of(List.of("a", "c")), encoded.keySet());
        assertNull(NodeSelection.of(List.of("b"), weights::get, 0, nodes -> Sections.empty(0)));
    }

    @Test
    void aWeightedPickFollowsTheSetsWeights() {
        Map<List<String>, Sections> encoded = new HashMap<>();
        NodeSelection weighted = NodeSelection.of(List.of("a", "b"), Map.of("a", 3, "b", 1)::get, 1,
                nodes -> encoded.computeIfAbsent(nodes, n -> Sections.empty(0)));
        int n = 40_000;
        int a = 0;
        for (int i = 0; i < n; i++) {
            a += weighted.pick() == encoded.get(List.of("a")) ? 1 : 0;
        }
        double sd = Math.sqrt(n * 0.75 * 0.25);
        assertEquals(0.75 * n, a, 5 * sd, "a is drawn 3 times in 4 (5 standard deviations: " + sd + ")");
    }

    @Test
    void forAnyWeightsEachNodesShareIsMaxAnswersTimesItsWeightOverTheSumCappedAtEveryAnswer() {
        java.util.Random random = new java.util.Random(21);
        for (int round = 0; round < 500; round++) {
            int n = 2 + random.nextInt(9);
            int k = 1 + random.nextInt(n - 1);
            int[] weights = random.ints(n, 1, 1001).toArray();
            List<String> nodes = java.util.stream.IntStream.range(0, n).mapToObj(i -> "n" + i).toList();
            List<NodeSelection.WeightedSet<String>> sets = NodeSelection.weightedSets(nodes, weights, k);
            sets.forEach(set -> assertEquals(k, set.nodes().size(), () -> "k nodes: " + set));
            Map<String, double[]> shares = shares(sets);
            // The expected inclusion: nodes too heavy are in every answer, the rest share what is left.
            double[] expected = new double[n];
            boolean[] always = new boolean[n];
            int places = k;
            double total = java.util.Arrays.stream(weights).sum();
            for (boolean changed = true; changed; ) {
                changed = false;
                for (int i = 0; i < n; i++) {
                    if (!always[i] && places * weights[i] >= total) {
                        always[i] = true;
                        places--;
                        total -= weights[i];
                        changed = true;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                expected[i] = always[i] ? 1 : places * weights[i] / total;
                double got = shares.containsKey("n" + i) ? shares.get("n" + i)[0] : 0;
                int node = i;
                assertEquals(expected[i], got, 1e-9, () -> "node " + node + " of weights "
                        + java.util.Arrays.toString(weights) + ", k " + k);
            }
        }
    }
}
