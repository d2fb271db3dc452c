package geodns.server.health;

import geodns.server.config.ConfigError;
import geodns.server.config.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The {@code health:} settings of geo.yaml: global, per location, per node, the most specific winning.
 * A node gets probed when some level gives it a URL; its URL may use {ip}, {node} and {location}. The URL's
 * scheme picks the check: http:// and https:// a GET, tcp://host:port a connect.
 */
public final class HealthConfigReader {
    static final String[] KEYS = {"url", "host", "expect", "interval", "timeout", "jitter", "fall", "rise",
        "initial", "insecure"};
    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s)?");
    private static final Pattern STATUS_RANGE = Pattern.compile("([1-5][0-9][0-9])(?:-([1-5][0-9][0-9]))?");

    private final YamlReader yaml;

    public HealthConfigReader(YamlReader yaml) {
        this.yaml = yaml;
    }

    /** Settings with their nodes, so a bad value can be reported at its line once it is used. */
    public record Settings(Map<String, Node> values) {
        public static Settings none() {
            return new Settings(Map.of());
        }

        public Settings under(Settings specific) {
            Map<String, Node> merged = new HashMap<>(values);
            merged.putAll(specific.values);
            return new Settings(merged);
        }
    }

    /** The global {@code health:}: the probe settings, and {@code share:}, which {@link #share} reads. */
    public Settings globalSettings(Node node) throws YamlReader.Problem {
        if (node == null) {
            return Settings.none();
        }
        Map<String, Node> values = new HashMap<>(yaml.mapping(node, "health"));
        String[] known = java.util.Arrays.copyOf(KEYS, KEYS.length + 1);
        known[KEYS.length] = "share";
        yaml.onlyKeys(node, values, "health", known);
        values.remove("share");
        return new Settings(values);
    }

    public Settings settings(Node node, String what) throws YamlReader.Problem {
        if (node == null) {
            return Settings.none();
        }
        Map<String, Node> values = yaml.mapping(node, what);
        yaml.onlyKeys(node, values, what, KEYS);
        return new Settings(values);
    }

    /** The probe for one node, or null when no level gives it a URL. */
    public ProbeTarget target(Settings s, String node, String location, String ip) throws YamlReader.Problem {
        Node url = s.values().get("url");
        if (url == null) {
            return null;
        }
        String text = yaml.scalar(url, "url").replace("{ip}", ip).replace("{node}", node)
                .replace("{location}", location);
        URI uri;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw yaml.problem(url, "probe url '" + text + "' is not a URL: " + e.getReason());
        }
        boolean tcp = "tcp".equals(uri.getScheme());
        if (!tcp && !"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw yaml.problem(url, "probe url '" + text + "' must be http://, https:// or tcp:// with a host");
        }
        Probe probe = tcp ? tcp(s, uri, text, url) : http(s, uri);
        Duration timeout = duration(s.values().get("timeout"), "timeout", Duration.ofSeconds(3));
        Duration interval = duration(s.values().get("interval"), "interval", Duration.ofSeconds(5));
        double jitter = s.values().containsKey("jitter") ? yaml.number(s.values().get("jitter"), "jitter", 0, 0.9)
                : 0.2;
        int fall = count(s.values().get("fall"), "fall", 3);
        int rise = count(s.values().get("rise"), "rise", 2);
        boolean initiallyUp = choice(s.values().get("initial"), "initial", "up", "down", true);
        return new ProbeTarget(node, probe, timeout, interval, jitter, fall, rise, initiallyUp);
    }

    private Probe http(Settings s, URI uri) throws YamlReader.Problem {
        int[] expect = expect(s.values().get("expect"));
        boolean insecure = choice(s.values().get("insecure"), "insecure", "true", "false", false);
        String host = s.values().containsKey("host") ? host(s.values().get("host")) : null;
        return new HttpProbe(uri, host, expect[0], expect[1], insecure);
    }

    /** A connect sends nothing, so an HTTP key (also one inherited from a wider level) would silently do nothing. */
    private Probe tcp(Settings s, URI uri, String text, Node url) throws YamlReader.Problem {
        for (String key : new String[] {"host", "expect", "insecure"}) {
            if (s.values().containsKey(key)) {
                throw yaml.problem(s.values().get(key), key + " does not apply to the tcp:// check '" + text
                        + "' (url at line " + yaml.line(url) + "): a connect sends and reads nothing");
            }
        }
        if (uri.getPort() < 1 || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw yaml.problem(url, "probe url '" + text + "' must be tcp://host:port, nothing more");
        }
        return TcpProbe.to(uri);
    }

    /** A Host header value: a name or address with an optional port, nothing that could break the request. */
    private String host(Node node) throws YamlReader.Problem {
        String text = yaml.scalar(node, "host");
        if (!text.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            throw yaml.problem(node, "host must be a host name, optionally with :port, not '" + text + "'");
        }
        return text;
    }

    private int[] expect(Node node) throws YamlReader.Problem {
        if (node == null) {
            return new int[] {200, 399};
        }
        String text = yaml.scalar(node, "expect");
        Matcher m = STATUS_RANGE.matcher(text.trim());
        if (!m.matches()) {
            throw yaml.problem(node, "expect must be a status or a range like 200-399, not '" + text + "'");
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        if (to < from) {
            throw yaml.problem(node, "expect range " + text + " ends before it starts");
        }
        return new int[] {from, to};
    }

    private Duration duration(Node node, String what, Duration fallback) throws YamlReader.Problem {
        if (node == null) {
            return fallback;
        }
        String text = yaml.scalar(node, what).trim();
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            double value = Double.parseDouble(m.group(1));
            long millis = Math.round("ms".equals(m.group(2)) ? value : value * 1000);
            if (millis >= 10 && millis <= 3_600_000) {
                return Duration.ofMillis(millis);
            }
        }
        throw yaml.problem(node, what + " must be a duration from 10ms to 3600s such as 5, 2.5s or 500ms, not '"
                + text + "'");
    }

    private int count(Node node, String what, int fallback) throws YamlReader.Problem {
        return node == null ? fallback : (int) yaml.whole(node, what, 1, 100);
    }

    private boolean choice(Node node, String what, String yes, String no, boolean fallback)
            throws YamlReader.Problem {
        if (node == null) {
            return fallback;
        }
        String text = yaml.scalar(node, what);
        if (text.equals(yes) || text.equals(no)) {
            return text.equals(yes);
        }
        throw yaml.problem(node, what + " must be " + yes + " or " + no + ", not '" + text + "'");
    }

    static final String[] SHARE_KEYS = {"secret-file", "peers", "interval", "fresh"};
    /** A secret file is a line of hex or base64; anything near this is the wrong file. */
    private static final int MAX_SECRET_FILE = 64 << 10;

    /** A node of geo.yaml as the peer template sees it: {@code ip} is its IPv4, else [IPv6], as for probes. */
    public record PeerNode(String name, String location, String ip) {}

    /**
     * {@code health: share:} under the global {@code health} node, every mistake (each key on its own) added to
     * {@code errors}. Off when absent or without {@code secret-file}.
     *
     * @param dir   the zones folder, which a relative secret-file is in
     * @param nodes every node of geo.yaml, in order, for the {@code peers:} template
     */
    public ShareConfig share(Node health, Path dir, List<PeerNode> nodes, List<ConfigError> errors) {
        if (!(health instanceof MappingNode)) {
            return ShareConfig.off();
        }
        Node node;
        Map<String, Node> fields;
        try {
            node = yaml.mapping(health, "health").get("share");
            if (node == null) {
                return ShareConfig.off();
            }
            fields = yaml.mapping(node, "share");
            yaml.onlyKeys(node, fields, "share", SHARE_KEYS);
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
            return ShareConfig.off();
        }
        int before = errors.size();
        Path secretFile = null;
        PeerSecret secret = null;
        if (fields.containsKey("secret-file")) {
            try {
                secretFile = dir.resolve(yaml.scalar(fields.get("secret-file"), "secret-file"));
                secret = secret(fields.get("secret-file"), secretFile);
            } catch (YamlReader.Problem p) {
                errors.add(p.error);
            }
        }
        List<ShareConfig.Peer> peers = List.of();
        try {
            peers = fields.containsKey("peers") ? peers(fields.get("peers"), nodes) : List.of();
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
        }
        Duration interval = ShareConfig.DEFAULT_INTERVAL;
        try {
            interval = duration(fields.get("interval"), "interval of share", ShareConfig.DEFAULT_INTERVAL);
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
        }
        int fresh = ShareConfig.DEFAULT_FRESH;
        try {
            fresh = fields.containsKey("fresh") ? (int) yaml.whole(fields.get("fresh"), "fresh", 1, 100)
                    : ShareConfig.DEFAULT_FRESH;
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
        }
        if (secret != null && !fields.containsKey("peers")) {
            errors.add(yaml.problem(yaml.keyNode(health, "share"), "share needs 'peers': a URL template such as \"http://{ip}:8053\" (one "
                    + "per node of geo.yaml) or a list of the other instances' admin URLs").error);
        }
        if (errors.size() > before) {
            return ShareConfig.off();
        }
        return new ShareConfig(secretFile, secret, peers, interval, fresh);
    }

    /** The secret file's bytes, trimmed of surrounding white space (echo adds a newline); never shown. */
    private PeerSecret secret(Node node, Path path) throws YamlReader.Problem {
        String where = "secret-file " + path;
        if (!Files.exists(path)) {
            throw yaml.problem(node, where + ": no such file");
        }
        // Like zone files: /dev/zero would be read until the heap is gone, a FIFO would block the reload.
        if (!Files.isRegularFile(path)) {
            throw yaml.problem(node, where + ": not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_SECRET_FILE + 1);
        } catch (IOException e) {
            throw yaml.problem(node, where + ": cannot read: " + ConfigError.reason(e));
        }
        if (bytes.length > MAX_SECRET_FILE) {
            throw yaml.problem(node, where + ": larger than " + MAX_SECRET_FILE + " bytes; a secret is one line");
        }
        int from = 0;
        int to = bytes.length;
        while (from < to && Character.isWhitespace(bytes[from])) {
            from++;
        }
        while (to > from && Character.isWhitespace(bytes[to - 1])) {
            to--;
        }
        if (to - from < PeerSecret.MIN_BYTES) {
            throw yaml.problem(node, where + ": " + (to == from ? "empty" : "only " + (to - from) + " bytes")
                    + "; a secret needs at least " + PeerSecret.MIN_BYTES + " (make one with openssl rand -hex 32)");
        }
        return new PeerSecret(java.util.Arrays.copyOfRange(bytes, from, to));
    }

    /** A template over every node ({ip} {node} {location}), or a list of URLs. */
    private List<ShareConfig.Peer> peers(Node node, List<PeerNode> nodes) throws YamlReader.Problem {
        List<ShareConfig.Peer> peers = new ArrayList<>();
        if (node instanceof org.yaml.snakeyaml.nodes.SequenceNode) {
            Map<URI, Node> seen = new LinkedHashMap<>();
            for (Node item : yaml.sequence(node, "peers")) {
                URI url = peerUrl(item, yaml.scalar(item, "a peer URL"));
                if (seen.put(url, item) != null) {
                    throw yaml.problem(item, "peer " + url + " is listed twice");
                }
                peers.add(new ShareConfig.Peer(null, url));
            }
            if (peers.isEmpty()) {
                throw yaml.problem(node, "peers is an empty list");
            }
            return List.copyOf(peers);
        }
        String template = yaml.scalar(node, "peers");
        if (!template.contains("{ip}") && !template.contains("{node}")) {
            throw yaml.problem(node, "the peers template '" + template + "' names no node: use {ip} or {node} (e.g. "
                    + "\"http://{ip}:8053\"), or give a list of URLs");
        }
        for (PeerNode n : nodes) {
            peers.add(new ShareConfig.Peer(n.name(), peerUrl(node, template.replace("{ip}", n.ip())
                    .replace("{node}", n.name()).replace("{location}", n.location()))));
        }
        return List.copyOf(peers);
    }

    private URI peerUrl(Node node, String text) throws YamlReader.Problem {
        try {
            URI uri = new URI(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            throw yaml.problem(node, "peer URL '" + text + "' is not a URL: " + e.getReason());
        }
        throw yaml.problem(node, "peer URL '" + text + "' must be http:// or https:// with a host (the peer's admin"
                + " port, e.g. http://10.0.0.2:8053), without a query");
    }
}
