package geodns.server.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One row of counts per answering thread, one column per {@link Tally}: a thread only ever writes its own row,
 * so an increment is a load and a store; a scrape adds the rows up. Rows outlive their threads, so counts never
 * go backwards. Tallies past the last column (thousands of geo names and locations) count in their shared adder.
 */
final class Rows {
    static final int COLUMNS = 2048;
    /** Opaque access: no torn longs, and a scrape sees each row's counts as of a moment ago. */
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    private final List<long[]> rows = new CopyOnWriteArrayList<>();
    private final AtomicInteger columns = new AtomicInteger();

    /** A thread that counts in a row of its own; for the threads that answer queries. */
    private static final class Counting extends Thread {
        final Rows owner;
        final long[] row;

        Counting(Runnable task, String name, Rows owner, long[] row) {
            super(task, name);
            this.owner = owner;
            this.row = row;
        }
    }

    Thread newThread(Runnable task, String name) {
        long[] row = new long[COLUMNS];
        rows.add(row);
        return new Counting(task, name, this, row);
    }

    Tally newTally() {
        return new Tally(this, columns.getAndIncrement());
    }

    /** Counts one in the current thread's row; false when it has none here, or no column for this tally. */
    boolean increment(int column) {
        if (column < COLUMNS && Thread.currentThread() instanceof Counting thread && thread.owner == this) {
            long[] row = thread.row;
            CELL.setOpaque(row, column, (long) CELL.getOpaque(row, column) + 1);
            return true;
        }
        return false;
    }

    long sum(int column) {
        long sum = 0;
        if (column < COLUMNS) {
            for (long[] row : rows) {
                sum += (long) CELL.getOpaque(row, column);
            }
        }
        return sum;
    }
}
