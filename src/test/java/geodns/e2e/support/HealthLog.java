package geodns.e2e.support;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The health transitions a server logged ("health: node lon-1 up -> down (2 in a row: connection refused, ...)"),
 * one line per change of a node's state.
 */
public final class HealthLog {
    private static final Pattern TRANSITION = Pattern.compile("node (\\S+) (up|down) -> (up|down)(.*)");

    private HealthLog() {
    }

    public record Transition(String node, boolean wasUp, boolean isUp, String line) {
    }

    public static List<Transition> transitions(String log) {
        List<Transition> out = new ArrayList<>();
        for (String line : log.split("\n")) {
            Matcher m = TRANSITION.matcher(line);
            if (m.find()) {
                out.add(new Transition(m.group(1), m.group(2).equals("up"), m.group(3).equals("up"), line));
            }
        }
        return out;
    }

    public static List<Transition> transitions(String log, String node) {
        return transitions(log).stream().filter(t -> t.node().equals(node)).toList();
    }

    /** Whether the log's last word on {@code node} is "up" (nodes start up, so also true before any change). */
    public static boolean up(String log, String node) {
        List<Transition> all = transitions(log, node);
        return all.isEmpty() || all.get(all.size() - 1).isUp();
    }
}
