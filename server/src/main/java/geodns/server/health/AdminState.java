package geodns.server.health;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an operator decided against the probes (gdnsd's admin_state): nodes and whole locations drained (out of
 * answers, still probed) or forced up or down. Immutable; the state file and the admin HTTP call each give one,
 * and {@link #over} merges them. A node's own entry wins over its location's.
 */
public record AdminState(Map<String, Entry> nodes, Map<String, Entry> locations) {

    public enum State {
        DRAIN("drain"), FORCE_UP("force-up"), FORCE_DOWN("force-down");

        public final String word;

        State(String word) {
            this.word = word;
        }

        /** The state spelled {@code word}, or null. */
        public static State of(String word) {
            for (State s : values()) {
                if (s.word.equals(word)) {
                    return s;
                }
            }
            return null;
        }
    }

    /**
     * @param reason what the operator wrote, or null
     * @param until  when the entry stops applying, or null for never
     * @param source where it was set: the state file's path, or "http"
     */
    public record Entry(State state, String reason, Instant until, String source) {
        public Entry {
            Objects.requireNonNull(state);
        }

        /** For logs, /status and /explain: {@code drain (reason; until 2026-12-08T00:00:00Z; from http)}. */
        public String describe() {
            StringBuilder s = new StringBuilder(state.word).append(" (");
            if (reason != null) {
                s.append(reason).append("; ");
            }
            if (until != null) {
                s.append("until ").append(until).append("; ");
            }
            return s.append("from ").append(source).append(')').toString();
        }
    }

    public AdminState {
        nodes = Map.copyOf(nodes);
        locations = Map.copyOf(locations);
    }

    public static AdminState none() {
        return new AdminState(Map.of(), Map.of());
    }

    public boolean isEmpty() {
        return nodes.isEmpty() && locations.isEmpty();
    }

    /** This state's entries, and {@code base}'s where this one has none for the same node or location. */
    public AdminState over(AdminState base) {
        Map<String, Entry> n = new LinkedHashMap<>(base.nodes);
        n.putAll(nodes);
        Map<String, Entry> l = new LinkedHashMap<>(base.locations);
        l.putAll(locations);
        return new AdminState(n, l);
    }

    /** Without the entries expired at {@code now}. */
    public AdminState at(Instant now) {
        Map<String, Entry> n = new LinkedHashMap<>(nodes);
        n.values().removeIf(e -> e.until() != null && !e.until().isAfter(now));
        Map<String, Entry> l = new LinkedHashMap<>(locations);
        l.values().removeIf(e -> e.until() != null && !e.until().isAfter(now));
        return new AdminState(n, l);
    }

    /** The earliest time an entry expires, or null when none does. */
    public Instant nextExpiry() {
        return java.util.stream.Stream.concat(nodes.values().stream(), locations.values().stream())
                .map(Entry::until).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    }

    /** With {@code entry} for the node or location {@code name} (or without one when entry is null). */
    public AdminState with(boolean location, String name, Entry entry) {
        Map<String, Entry> changed = new LinkedHashMap<>(location ? locations : nodes);
        if (entry == null) {
            changed.remove(name);
        } else {
            changed.put(name, entry);
        }
        return location ? new AdminState(nodes, changed) : new AdminState(changed, locations);
    }

    /** The entry that applies to {@code node} of {@code location}: its own, else its location's, else null. */
    public Entry of(String node, String location) {
        Entry own = nodes.get(node);
        return own != null ? own : locations.get(location);
    }

    /** Whether answers may carry the node: the admin state when one applies, else the probes' verdict. */
    public boolean answered(String node, String location, HealthView health) {
        Entry e = of(node, location);
        return e == null ? health.isUp(node) : e.state() == State.FORCE_UP;
    }
}
