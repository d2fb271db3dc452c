package geodns.server.health;

import geodns.server.config.YamlReader;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
}
