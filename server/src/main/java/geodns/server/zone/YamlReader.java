package geodns.server.zone;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads YAML as a tree of nodes that remember their line, so every config mistake can be reported as
 * {@code file:line: reason}. Problems are thrown as {@link Problem}s and collected by the caller.
 */
final class YamlReader {
    /** geo.yaml is a few kilobytes; anything near this is a mistake, and reading it must not exhaust the heap. */
    static final int MAX_BYTES = 8 << 20;

    private final String file;

    YamlReader(String file) {
        this.file = file;
    }

    static final class Problem extends Exception {
        final ZoneError error;

        Problem(ZoneError error) {
            super(error.toString());
            this.error = error;
        }
    }

    Node parse(Path path) throws Problem {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_BYTES);
        try {
            Node root = new Yaml(options).compose(new java.io.StringReader(text(path)));
            if (root == null) {
                throw new Problem(new ZoneError(file, 1, "empty file"));
            }
            return root;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new Problem(new ZoneError(file, line, "YAML: " + e.getProblem()));
        } catch (RuntimeException e) {
            throw new Problem(new ZoneError(file, 1, "YAML: " + e.getMessage()));
        }
    }

    /** The file as text: at most {@link #MAX_BYTES}, and UTF-8, or a problem naming the line of the first bad byte. */
    private String text(Path path) throws Problem {
        byte[] bytes;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new Problem(new ZoneError(file, 1, "larger than the limit of " + (MAX_BYTES >> 20) + " MiB"));
            }
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new Problem(new ZoneError(file, 1, "cannot read: " + e.getMessage()));
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, out, true);
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new Problem(new ZoneError(file, line, String.format("not UTF-8 text (byte 0x%02x)",
                    bytes[in.position()] & 0xff)));
        }
        return out.flip().toString();
    }

    int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    Problem problem(Node node, String reason) {
        return new Problem(new ZoneError(file, line(node), reason));
    }

    /** A mapping's entries in file order, keys as strings; duplicate keys are an error. */
    Map<String, Node> mapping(Node node, String what) throws Problem {
        if (!(node instanceof MappingNode m)) {
            throw problem(node, what + " must be a mapping");
        }
        Map<String, Node> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : m.getValue()) {
            String key = scalar(tuple.getKeyNode(), "a key in " + what);
            if (entries.put(key, tuple.getValueNode()) != null) {
                throw problem(tuple.getKeyNode(), "duplicate key '" + key + "' in " + what);
            }
        }
        return entries;
    }

    /** The key node of {@code key} in a mapping, for errors that concern the name itself. */
    Node keyNode(Node mapping, String key) {
        for (NodeTuple tuple : ((MappingNode) mapping).getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
                return tuple.getKeyNode();
            }
        }
        return mapping;
    }

    String scalar(Node node, String what) throws Problem {
        if (!(node instanceof ScalarNode s)) {
            throw problem(node, what + " must be a single value");
        }
        return s.getValue();
    }

    List<String> strings(Node node, String what) throws Problem {
        if (!(node instanceof SequenceNode s)) {
            throw problem(node, what + " must be a list, e.g. [london, frankfurt]");
        }
        List<String> values = new ArrayList<>();
        for (Node item : s.getValue()) {
            values.add(scalar(item, "an item of " + what));
        }
        return values;
    }

    List<Node> sequence(Node node, String what) throws Problem {
        if (!(node instanceof SequenceNode s)) {
            throw problem(node, what + " must be a list");
        }
        return s.getValue();
    }

    double number(Node node, String what, double min, double max) throws Problem {
        String text = scalar(node, what);
        try {
            double value = Double.parseDouble(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw problem(node, what + " must be a number from " + fmt(min) + " to " + fmt(max) + ", not '" + text + "'");
    }

    /** A whole number: 2.5 where a count is meant is a mistake, not 2. */
    long whole(Node node, String what, long min, long max) throws Problem {
        String text = scalar(node, what);
        if (text.matches("-?[0-9]{1,12}")) {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        }
        throw problem(node, what + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Rejects keys this config does not know, so a typo is an error rather than silently ignored. */
    void onlyKeys(Node node, Map<String, Node> entries, String what, String... allowed) throws Problem {
        List<String> known = List.of(allowed);
        for (String key : entries.keySet()) {
            if (!known.contains(key)) {
                throw problem(keyNode(node, key), "unknown key '" + key + "' in " + what + " (known: "
                        + String.join(", ", known) + ")");
            }
        }
    }
}
