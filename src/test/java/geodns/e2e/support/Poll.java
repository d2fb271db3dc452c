package geodns.e2e.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded waiting: ask again and again until the answer is right or the deadline passes. */
public final class Poll {
    private Poll() {
    }

    /**
     * Calls {@code probe} every {@code every} until {@code done} accepts its value, and returns that value; fails
     * with {@code what} and the last value once {@code timeout} has passed.
     */
    public static <T> T until(Duration timeout, Duration every, String what, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last;
        while (true) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + "; last seen: "
                        + last);
            }
            sleep(every.toMillis());
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
