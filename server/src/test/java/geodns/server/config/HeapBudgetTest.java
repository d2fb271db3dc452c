package geodns.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How much of the heap one snapshot may take. */
class HeapBudgetTest {
    @Test
    void aSnapshotMayTakeHalfOfTheHeapLessTheReserve() {
        assertEquals((96L << 20) - HeapBudget.RESERVE >> 1, HeapBudget.perSnapshot(96L << 20));
        assertEquals(0, HeapBudget.perSnapshot(HeapBudget.RESERVE / 2), "never negative");
    }
}
