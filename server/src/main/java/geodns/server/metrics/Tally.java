package geodns.server.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A counter on the answering path. An answering thread ({@link Rows#newThread}) adds to its own row with a
 * plain store; any other thread adds to a shared adder. Micrometer's counters, striped adders of doubles, cost a
 * few compare-and-swaps per query on lines two cores keep taking from each other (what that cost is measured in
 * bench/README.md, "What each step bought").
 */
public final class Tally {
    private final Rows rows;
    private final int index;
    private final LongAdder others = new LongAdder();

    Tally(Rows rows, int index) {
        this.rows = rows;
        this.index = index;
    }

    public void increment() {
        if (!rows.increment(index)) {
            others.increment();
        }
    }

    public long count() {
        return rows.sum(index) + others.sum();
    }
}
