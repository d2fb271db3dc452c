package geodns.server.config;

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
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads YAML as a tree of nodes that remember their line, so every config mistake can be reported as
 * {@code file:line: reason}. Problems are thrown as {@link Problem}s and collected by the caller.
 */
public final class YamlReader {
    /** geo.yaml is a few kilobytes; anything near this is a mistake, and reading it must not exhaust the heap. */
    public static final int MAX_BYTES = 8 << 20;

    private final String file;

    public YamlReader(String file) {
        this.file = file;
    }

    public static final class Problem extends Exception {
        public final transient ConfigError error;

        public Problem(ConfigError error) {
            super(error.toString());
            this.error = error;
        }
    }

    /**
     * The most nodes (scalars, lists, mappings) a config may hold. A node costs about 240 bytes of heap until the
     * config is read (measured), so a 1 MiB list of numbers would take over 100 MB; the limit holds it to a few
     * MB, and a geo.yaml of a thousand names and a hundred nodes stays well under it.
     */
    public static final int MAX_NODES = 50_000;
    /** Deeper than any of our configs (geo.yaml: 5); SnakeYAML's default is 50. */
    static final int MAX_DEPTH = 20;
    /** Anchors are allowed (shared health settings), alias bombs are not. */
    static final int MAX_ALIASES = 50;

    public Node parse(Path path) throws Problem {
        return parse(path, HeapBudget.unlimited());
    }

    /** @param heap counts the nodes, which are held until the config is read */
    public Node parse(Path path, HeapBudget heap) throws Problem {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_BYTES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        try {
            String text = text(path);
            heap.charge((long) countNodes(text, options) * HeapBudget.PER_YAML_NODE, file, 0);
            Node root = new Yaml(options).compose(new java.io.StringReader(text));
            if (root == null) {
                throw new Problem(new ConfigError(file, 1, "empty file"));
            }
            return root;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new Problem(new ConfigError(file, line, "YAML: " + e.getProblem()));
        } catch (HeapBudget.Exceeded e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Problem(new ConfigError(file, 1, "YAML: " + e.getMessage()));
        }
    }

    /**
     * The nodes of the document, counted from SnakeYAML's events, which are not kept: the limit is checked
     * before a tree of them is built.
     */
    private int countNodes(String text, LoaderOptions options) throws Problem {
        int nodes = 0;
        for (Event event : new Yaml(options).parse(new java.io.StringReader(text))) {
            if (event instanceof NodeEvent && ++nodes > MAX_NODES) {
                throw new Problem(new ConfigError(file, event.getStartMark().getLine() + 1, "more than " + MAX_NODES
                        + " YAML nodes (the limit): a config this large is a mistake"));
            }
        }
        return nodes;
    }

    /** The file as text: at most {@link #MAX_BYTES}, and UTF-8, or a problem naming the line of the first bad byte. */
    private String text(Path path) throws Problem {
        byte[] bytes;
        try {
            // A FIFO would block the reload thread; /dev/zero (size 0) would be read until the heap is gone.
            if (!Files.isRegularFile(path)) {
                throw new Problem(new ConfigError(file, 0, "not a regular file (a device, FIFO or folder)"));
            }
            if (Files.size(path) > MAX_BYTES) {
                throw new Problem(new ConfigError(file, 1, "larger than the limit of " + (MAX_BYTES >> 20) + " MiB"));
            }
            try (java.io.InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(MAX_BYTES + 1);  // it may have grown since
            }
            if (bytes.length > MAX_BYTES) {
                throw new Problem(new ConfigError(file, 1, "larger than the limit of " + (MAX_BYTES >> 20) + " MiB"));
            }
        } catch (IOException e) {
            throw new Problem(new ConfigError(file, 0, "cannot read: " + ConfigError.reason(e)));
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
            throw new Problem(new ConfigError(file, line, String.format("not UTF-8 text (byte 0x%02x)",
                    bytes[in.position()] & 0xff)));
        }
        return out.flip().toString();
    }

    public int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    public Problem problem(Node node, String reason) {
        return new Problem(new ConfigError(file, line(node), reason));
    }

    /** A mapping's entries in file order, keys as strings; duplicate keys are an error. */
    public Map<String, Node> mapping(Node node, String what) throws Problem {
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
    public Node keyNode(Node mapping, String key) {
        for (NodeTuple tuple : ((MappingNode) mapping).getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
                return tuple.getKeyNode();
            }
        }
        return mapping;
    }

    public String scalar(Node node, String what) throws Problem {
        if (!(node instanceof ScalarNode s)) {
            throw problem(node, what + " must be a single value");
        }
        return s.getValue();
    }


    public List<Node> sequence(Node node, String what) throws Problem {
        if (!(node instanceof SequenceNode s)) {
            throw problem(node, what + " must be a list");
        }
        return s.getValue();
    }

    public double number(Node node, String what, double min, double max) throws Problem {
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
    public long whole(Node node, String what, long min, long max) throws Problem {
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
    public void onlyKeys(Node node, Map<String, Node> entries, String what, String... allowed) throws Problem {
        List<String> known = List.of(allowed);
        for (String key : entries.keySet()) {
            if (!known.contains(key)) {
                throw problem(keyNode(node, key), "unknown key '" + key + "' in " + what + " (known: "
                        + String.join(", ", known) + ")");
            }
        }
    }
}
