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
}
