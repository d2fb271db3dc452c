package geodns.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TallyTest {
    private final Rows rows = new Rows();

    private static void run(Thread thread) throws InterruptedException {
        thread.start();
        thread.join();
    }

    private static Runnable times(int n, Tally tally) {
        return () -> {
            for (int i = 0; i < n; i++) {
                tally.increment();
            }
        };
    }

    @Test
    void countsFromAnsweringThreadsAndOthersAddUp() throws InterruptedException {
        Tally tally = rows.newTally();
        run(rows.newThread(times(1000, tally), "answering-1"));
        run(rows.newThread(times(500, tally), "answering-2"));
        run(new Thread(times(25, tally), "other"));
        tally.increment();
        assertEquals(1526, tally.count());
    }

    @Test
    void aThreadOfOtherMetricsCountsInTheSharedAdder() throws InterruptedException {
        Tally tally = rows.newTally();
        run(new Rows().newThread(times(7, tally), "answering-elsewhere"));
        assertEquals(7, tally.count());
    }

    @Test
    void tallyPastTheLastColumnStillCounts() throws InterruptedException {
        Tally last = null;
        for (int i = 0; i <= Rows.COLUMNS; i++) {
            last = rows.newTally();
        }
        run(rows.newThread(times(3, last), "answering"));
        assertEquals(3, last.count());
    }

    @Test
    void twoTalliesCountApart() throws InterruptedException {
        Tally a = rows.newTally();
        Tally b = rows.newTally();
        run(rows.newThread(() -> {
            times(2, a).run();
            times(5, b).run();
        }, "answering"));
        assertEquals(2, a.count());
        assertEquals(5, b.count());
    }
}
