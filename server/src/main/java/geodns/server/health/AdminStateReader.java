package geodns.server.health;

import geodns.server.config.ConfigError;
import geodns.server.config.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads an admin state file: the operator's {@code admin-state.yaml} beside the zones, or the file that keeps the
 * state set over HTTP. Every mistake is a {@code file:line: reason}; an entry with a mistake is left out and the
 * others are still read, so every mistake is reported at once.
 *
 * <pre>
 * nodes:
 *   lon-1: drain
 *   fra-2: { state: force-up, reason: "check flaps, ticket 123", until: 2026-12-08T06:00:00Z }
 * locations:
 *   singapore: drain
 * </pre>
 */
public final class AdminStateReader {
    public static final String FILE_NAME = "admin-state.yaml";
    private static final String STATES = "drain, force-up, force-down";

    private final YamlReader yaml;
    private final String source;
    private final List<ConfigError> errors;
    private final List<ConfigError> unknown;

    private AdminStateReader(Path file, String source, List<ConfigError> errors, List<ConfigError> unknown) {
        this.yaml = new YamlReader(file.toString());
        this.source = source;
        this.errors = errors;
        this.unknown = unknown;
    }

    /**
     * The state in {@code file}, none when it does not exist.
     *
     * @param source    what entries say they come from (the file's name, or "http")
     * @param nodes     the nodes of the geo config: an entry for another is a mistake
     * @param locations the same for locations
     */
    public static AdminState read(Path file, String source, Set<String> nodes, Set<String> locations,
                                  List<ConfigError> errors) {
        return read(file, source, nodes, locations, errors, errors);
    }

    /** @param unknown where entries for a node or location the config does not have are reported */
    public static AdminState read(Path file, String source, Set<String> nodes, Set<String> locations,
                                  List<ConfigError> errors, List<ConfigError> unknown) {
        if (!Files.exists(file)) {
            return AdminState.none();
        }
        AdminStateReader reader = new AdminStateReader(file, source, errors, unknown);
        try {
            if (blank(file)) {
                return AdminState.none();   // everything cleared: nothing drained or forced
            }
            return reader.state(reader.yaml.parse(file), nodes, locations);
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
            return AdminState.none();
        }
    }

    /** Nothing but blank lines and comments; a file too large to read here is left to the YAML reader. */
    private static boolean blank(Path file) {
        try {
            return Files.size(file) < YamlReader.MAX_BYTES && Files.readAllLines(file).stream()
                    .allMatch(line -> line.isBlank() || line.strip().startsWith("#"));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;   // the YAML reader reports it as file: reason
        }
    }

    private AdminState state(Node root, Set<String> nodes, Set<String> locations) throws YamlReader.Problem {
        Map<String, Node> top = yaml.mapping(root, "the admin state");
        yaml.onlyKeys(root, top, "the admin state", "nodes", "locations");
        return new AdminState(entries(top.get("nodes"), "node", nodes),
                entries(top.get("locations"), "location", locations));
    }

    private Map<String, AdminState.Entry> entries(Node node, String kind, Set<String> known) {
        Map<String, AdminState.Entry> read = new LinkedHashMap<>();
        if (node == null || isNull(node)) {
            return read;
        }
        Map<String, Node> items;
        try {
            items = yaml.mapping(node, kind + "s");
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
            return read;
        }
        for (Map.Entry<String, Node> item : items.entrySet()) {
            try {
                if (!known.contains(item.getKey())) {
                    unknown.add(yaml.problem(yaml.keyNode(node, item.getKey()), "unknown " + kind + " '"
                            + item.getKey() + "' (geo.yaml has " + (known.isEmpty() ? "none" : String.join(", ",
                            known.stream().sorted().toList())) + ")").error);
                    continue;
                }
                read.put(item.getKey(), entry(item.getValue(), kind + " " + item.getKey()));
            } catch (YamlReader.Problem p) {
                errors.add(p.error);
            }
        }
        return read;
    }

    private static boolean isNull(Node node) {
        return node instanceof org.yaml.snakeyaml.nodes.ScalarNode s && s.getTag().equals(org.yaml.snakeyaml.nodes.Tag.NULL);
    }

    /** {@code drain}, or {@code { state: drain, reason: ..., until: ... }}. */
    private AdminState.Entry entry(Node node, String what) throws YamlReader.Problem {
        if (node instanceof org.yaml.snakeyaml.nodes.ScalarNode) {
            return new AdminState.Entry(state(node, what), null, null, source);
        }
        Map<String, Node> fields = yaml.mapping(node, what + " (a state, or { state, reason, until })");
        yaml.onlyKeys(node, fields, what, "state", "reason", "until");
        Node state = fields.get("state");
        if (state == null) {
            throw yaml.problem(node, what + " has no 'state' (" + STATES + ")");
        }
        String reason = fields.containsKey("reason") ? yaml.scalar(fields.get("reason"), "reason of " + what) : null;
        Instant until = fields.containsKey("until") ? instant(fields.get("until"), "until of " + what) : null;
        return new AdminState.Entry(state(state, what), reason, until, source);
    }

    private AdminState.State state(Node node, String what) throws YamlReader.Problem {
        String word = yaml.scalar(node, "the state of " + what);
        AdminState.State state = AdminState.State.of(word);
        if (state == null) {
            throw yaml.problem(node, "'" + word + "' is not a state for " + what + " (" + STATES + ")");
        }
        return state;
    }

    private Instant instant(Node node, String what) throws YamlReader.Problem {
        String text = yaml.scalar(node, what);
        Instant parsed = instant(text);
        if (parsed == null) {
            throw yaml.problem(node, what + " must be a time like 2026-12-08T06:00:00Z, not '" + text + "'");
        }
        return parsed;
    }

    /** An ISO 8601 time with its offset (2026-12-08T06:00:00Z, ...+01:00), or null. */
    public static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
