package geodns.server.route;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Distinct decisions, each numbered once: thousands of client groups share each ranking, so the tables of
 * {@link Routing} keep a small number per group or block, and equal decisions are one object that stays in
 * the CPU's cache.
 */
final class DecisionNumbers {
    private final Route[][] decisions;
    private final Map<String, Integer> numbers = new ConcurrentHashMap<>();
    private final AtomicInteger last = new AtomicInteger();

    /** @param capacity numbers 1 to capacity - 1 are given out; 0 means none */
    DecisionNumbers(int capacity) {
        this.decisions = new Route[capacity][];
    }

    int capacity() {
        return decisions.length;
    }

    /** The decision's number, the same for equal decisions; 0 when every number is taken. */
    int numberOf(Route[] routes) {
        StringBuilder content = new StringBuilder();
        for (Route route : routes) {
            content.append(route.scopePrefix()).append(Arrays.toString(route.order()));
        }
        Integer number = numbers.computeIfAbsent(content.toString(), k -> {
            int next = last.updateAndGet(n -> Math.min(n + 1, decisions.length));
            if (next == decisions.length) {
                return null;
            }
            decisions[next] = routes;  // before the number is published, by the map or by a table's release
            return next;
        });
        return number == null ? 0 : number;
    }

    /** The decision numbered {@code number} (read after an acquire of the slot that held the number). */
    Route[] get(int number) {
        return decisions[number];
    }
}
