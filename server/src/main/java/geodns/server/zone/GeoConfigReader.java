package geodns.server.zone;

import geodns.geoip.CountryCodes;
import geodns.server.config.ConfigError;
import geodns.server.config.HeapBudget;
import geodns.server.config.Links;
import geodns.server.config.YamlReader;
import geodns.server.health.HealthConfigReader;
import geodns.server.health.ProbeTarget;
import geodns.server.health.ShareConfig;
import geodns.server.wire.Network;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and checks {@code geo.yaml}; every mistake becomes a {@code file:line: reason}. A mistake ends the item it
 * is in (a location, a node, a name, an override), not the file: the next items are still read, so one run of
 * {@code check} reports every item that is wrong.
 */
final class GeoConfigReader {
    static final String FILE_NAME = "geo.yaml";
    private static final long DEFAULT_TTL = 30;
    private static final Pattern CONTINENT = Pattern.compile("AF|AN|AS|EU|NA|OC|SA");
    /** Codes people write for a country that ISO spells otherwise (the EU's own list uses UK and EL). */
    private static final Map<String, String> COUNTRY_ALIASES = Map.of("UK", "GB", "EL", "GR");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final YamlReader yaml;
    private final HealthConfigReader health;
    private final List<ConfigError> errors;
    private final Map<String, GeoConfig.Location> locations = new LinkedHashMap<>();
    /** Every location written, read or not: a name that uses one that has a mistake is not wrong as well. */
    private final Set<String> declared = new java.util.LinkedHashSet<>();
    private final List<ProbeTarget> probes = new ArrayList<>();
    private final List<HealthConfigReader.PeerNode> peerNodes = new ArrayList<>();
    private final Path dir;

    private GeoConfigReader(String file, Path dir, List<ConfigError> errors) {
        this.dir = dir;
        this.yaml = new YamlReader(file);
        this.health = new HealthConfigReader(yaml);
        this.errors = errors;
    }

    /**
     * The geo config in {@code dir}, or none when the folder has no geo.yaml. Mistakes go to {@code errors}; what
     * could be read is still returned (so its names can be checked against the zones too), or null when nothing
     * could.
     */
    static GeoConfig read(Path dir, List<ConfigError> errors) {
        return read(dir, HeapBudget.unlimited(), errors);
    }

    /** @param heap counts the YAML nodes read */
    static GeoConfig read(Path dir, HeapBudget heap, List<ConfigError> errors) {
        Path path = dir.resolve(FILE_NAME);
        if (Links.report(path, errors)) {
            return null;
        }
        if (!Files.exists(path)) {
            return GeoConfig.none();
        }
        GeoConfigReader reader = new GeoConfigReader(path.toString(), dir, errors);
        try {
            return reader.config(reader.yaml.parse(path, heap), path.toString());
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
            return null;
        }
    }

    /** A part of the file that may have a mistake; reading it reports the mistake and goes on with the rest. */
    private interface Part<T> {
        T read() throws YamlReader.Problem;
    }

    private <T> T attempt(Part<T> part) {
        try {
            return part.read();
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
            return null;
        }
    }

    private GeoConfig config(Node root, String file) throws YamlReader.Problem {
        Map<String, Node> top = yaml.mapping(root, "the geo config");
        attempt(() -> {
            yaml.onlyKeys(root, top, "the geo config", "health", "locations", "names");
            return null;
        });
        if (!top.containsKey("locations")) {
            throw yaml.problem(root, "no 'locations' section");
        }
        HealthConfigReader.Settings global = attempt(() -> health.globalSettings(top.get("health")));
        readLocations(top.get("locations"), global == null ? HealthConfigReader.Settings.none() : global);
        ShareConfig share = health.share(top.get("health"), dir, peerNodes, errors);
        List<GeoConfig.GeoName> names = new ArrayList<>();
        Node namesNode = top.get("names");
        Map<String, Node> entries = namesNode == null ? Map.of() : attempt(() -> yaml.mapping(namesNode, "names"));
        List<ConfigError> warnings = new ArrayList<>();
        if (entries != null && entries.isEmpty()) {
            // Not an error, as in gdnsd: locations alone are a valid start (health probes run, /status shows
            // them), but nothing is answered by geography yet, which is rarely what was meant.
            warnings.add(new ConfigError(file, namesNode == null ? 1 : yaml.line(namesNode), "no geo names ('names:'"
                    + " is missing or empty): no answer follows the client; list the names to answer under names:"));
        }
        for (Map.Entry<String, Node> e : entries == null ? List.<Map.Entry<String, Node>>of() : entries.entrySet()) {
            Node keyNode = yaml.keyNode(namesNode, e.getKey());
            attempt(() -> {
                GeoConfig.GeoName name = geoName(keyNode, e.getKey(), e.getValue());
                if (name == null) {
                    return null;
                }
                if (names.stream().anyMatch(other -> other.name().equals(name.name()))) {
                    throw yaml.problem(keyNode, "geo name " + name.name() + " is defined twice");
                }
                return names.add(name);
            });
        }
        return new GeoConfig(file, List.copyOf(locations.values()), List.copyOf(names), List.copyOf(probes),
                List.copyOf(warnings), share);
    }

    private void readLocations(Node node, HealthConfigReader.Settings global) throws YamlReader.Problem {
        Set<String> nodeNames = new HashSet<>();
        for (Map.Entry<String, Node> e : yaml.mapping(node, "locations").entrySet()) {
            declared.add(e.getKey());
            attempt(() -> location(node, e.getKey(), e.getValue(), global, nodeNames));
        }
        if (declared.isEmpty()) {
            throw yaml.problem(node, "no locations");
        }
    }

    private GeoConfig.Location location(Node parent, String name, Node value, HealthConfigReader.Settings global,
                                        Set<String> nodeNames) throws YamlReader.Problem {
        Node keyNode = yaml.keyNode(parent, name);
        if (!LABEL.matcher(name).matches()) {
            throw yaml.problem(keyNode, "location name '" + name + "' must be lower-case letters, digits, '-'");
        }
        Map<String, Node> fields = yaml.mapping(value, "location " + name);
        yaml.onlyKeys(value, fields, "location " + name, "coordinates", "health", "nodes");
        // Coordinates, health and nodes are checked each on their own, so a bad latitude hides no bad node.
        double[] point = attempt(() -> coordinates(keyNode, fields, name));
        HealthConfigReader.Settings own = attempt(() -> health.settings(fields.get("health"), "health of " + name));
        HealthConfigReader.Settings local = global.under(own == null ? HealthConfigReader.Settings.none() : own);
        List<GeoConfig.Node> nodes = nodes(name, require(keyNode, fields, "nodes", "location " + name),
                nodeNames, local);
        if (point == null || own == null) {
            return null;
        }
        GeoConfig.Location location = new GeoConfig.Location(name, point[0], point[1], nodes, yaml.line(keyNode));
        locations.put(name, location);
        return location;
    }

    /** [latitude, longitude] */
    private double[] coordinates(Node keyNode, Map<String, Node> fields, String name) throws YamlReader.Problem {
        Node coordinates = require(keyNode, fields, "coordinates", "location " + name);
        List<Node> latLon = yaml.sequence(coordinates, "coordinates of " + name);
        if (latLon.size() != 2) {
            throw yaml.problem(coordinates, "coordinates of " + name + " must be [latitude, longitude]");
        }
        return new double[] {yaml.number(latLon.get(0), "latitude of " + name, -90, 90),
                yaml.number(latLon.get(1), "longitude of " + name, -180, 180)};
    }

    private List<GeoConfig.Node> nodes(String location, Node node, Set<String> seen,
                                       HealthConfigReader.Settings settings) throws YamlReader.Problem {
        List<GeoConfig.Node> nodes = new ArrayList<>();
        Map<String, Node> entries = yaml.mapping(node, "nodes of " + location);
        for (Map.Entry<String, Node> e : entries.entrySet()) {
            attempt(() -> nodes.add(node(location, node, e.getKey(), e.getValue(), seen, settings)));
        }
        if (entries.isEmpty()) {
            throw yaml.problem(node, "location " + location + " has no nodes");
        }
        return List.copyOf(nodes);
    }

    private GeoConfig.Node node(String location, Node parent, String name, Node value, Set<String> seen,
                                HealthConfigReader.Settings settings) throws YamlReader.Problem {
        Node keyNode = yaml.keyNode(parent, name);
        if (!seen.add(name)) {
            throw yaml.problem(keyNode, "node name '" + name + "' is used twice");
        }
        Map<String, Node> fields = yaml.mapping(value, "node " + name);
        yaml.onlyKeys(value, fields, "node " + name, "ipv4", "ipv6", "health");
        Inet4Address v4 = fields.containsKey("ipv4") ? address(fields.get("ipv4"), Inet4Address.class) : null;
        Inet6Address v6 = fields.containsKey("ipv6") ? address(fields.get("ipv6"), Inet6Address.class) : null;
        if (v4 == null && v6 == null) {
            throw yaml.problem(keyNode, "node " + name + " needs an ipv4 or ipv6 address");
        }
        String ip = v4 != null ? v4.getHostAddress() : "[" + v6.getHostAddress() + "]";
        peerNodes.add(new HealthConfigReader.PeerNode(name, location, ip));
        HealthConfigReader.Settings own = settings.under(health.settings(fields.get("health"), "health of " + name));
        ProbeTarget probe = health.target(own, name, location, ip);
        if (probe != null) {
            probes.add(probe);
        }
        return new GeoConfig.Node(name, v4, v6, yaml.line(keyNode));
    }

    private <A extends InetAddress> A address(Node node, Class<A> family) throws YamlReader.Problem {
        String text = yaml.scalar(node, "an address");
        String kind = family == Inet4Address.class ? "IPv4" : "IPv6";
        InetAddress address = Network.literal(text);
        if (family.isInstance(address)) {
            return family.cast(address);
        }
        throw yaml.problem(node, "'" + text + "' is not an " + kind + " address");
    }

    private GeoConfig.GeoName geoName(Node keyNode, String text, Node node) throws YamlReader.Problem {
        Name name;
        try {
            name = Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw yaml.problem(keyNode, "'" + text + "' is not a domain name: " + e.getMessage());
        }
        Map<String, Node> fields = yaml.mapping(node, "name " + text);
        yaml.onlyKeys(node, fields, "name " + text, "ttl", "locations", "unknown", "max-answers",
                "continents", "countries", "subdivisions");
        long ttl = fields.containsKey("ttl") ? yaml.whole(fields.get("ttl"), "ttl", 0, 86400) : DEFAULT_TTL;
        List<String> spans = fields.containsKey("locations")
                ? locationList(fields.get("locations"), "locations of " + text, List.copyOf(declared))
                : List.copyOf(declared);
        List<String> unknown = fields.containsKey("unknown")
                ? locationList(fields.get("unknown"), "unknown order of " + text, spans) : spans;
        int maxAnswers = fields.containsKey("max-answers")
                ? (int) yaml.whole(fields.get("max-answers"), "max-answers", 1, 64) : 0;
        int errorsBefore = errors.size();
        GeoConfig.Overrides overrides = new GeoConfig.Overrides(
                overrides(fields.get("continents"), GeoConfigReader::continentMistake, spans),
                overrides(fields.get("countries"), GeoConfigReader::countryMistake, spans),
                overrides(fields.get("subdivisions"), GeoConfigReader::subdivisionMistake, spans));
        if (errors.size() > errorsBefore) {
            return null;   // reported: the name is not used, and reporting it again would say nothing new
        }
        int subdivisionsLine = fields.containsKey("subdivisions") ? yaml.line(yaml.keyNode(node, "subdivisions")) : 0;
        return new GeoConfig.GeoName(name, ttl, spans, overrides, unknown, maxAnswers, yaml.line(keyNode),
                subdivisionsLine);
    }

    /** Each override with a mistake is reported; the others are read. */
    private Map<String, List<String>> overrides(Node node, java.util.function.Function<String, String> mistake,
                                                List<String> allowed) throws YamlReader.Problem {
        if (node == null) {
            return Map.of();
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : yaml.mapping(node, "overrides").entrySet()) {
            String code = e.getKey();
            attempt(() -> {
                String reason = mistake.apply(code);
                if (reason != null) {
                    throw yaml.problem(yaml.keyNode(node, code), reason);
                }
                return result.put(code, locationList(e.getValue(), "order for " + code, allowed));
            });
        }
        return result;
    }

    /** Why {@code code} is no continent code, or null when it is one. */
    static String continentMistake(String code) {
        if (CONTINENT.matcher(code).matches()) {
            return null;
        }
        String reason = "'" + code + "' is not a continent code (AF AN AS EU NA OC SA)";
        String upper = code.toUpperCase(java.util.Locale.ROOT);
        if (CONTINENT.matcher(upper).matches()) {
            return reason + "; did you mean " + upper + "?";
        }
        return CountryCodes.contains(countryCode(code)) ? reason + "; " + countryCode(code)
                + " is a country: put it under countries" : reason;
    }

    /** Why {@code code} is no country code, or null when it is one. */
    static String countryMistake(String code) {
        if (CountryCodes.contains(code)) {
            return null;
        }
        String reason = "'" + code + "' is not an ISO 3166-1 country code (two letters, like DE)";
        String meant = countryCode(code);
        if (CountryCodes.contains(meant)) {
            return reason + "; did you mean " + meant + "?";
        }
        return CONTINENT.matcher(code.toUpperCase(java.util.Locale.ROOT)).matches()
                ? reason + "; " + code + " is a continent: put it under continents" : reason;
    }

    /** Why {@code code} is no subdivision code, or null when it is one (its country and its shape, not the list). */
    static String subdivisionMistake(String code) {
        String upper = code.toUpperCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = CountryCodes.SUBDIVISION_SHAPE.matcher(upper);
        String reason = "'" + code + "' is not an ISO 3166-2 subdivision code (country '-' 1 to 3 letters or digits,"
                + " like US-CA or GB-SCT)";
        if (!m.matches()) {
            return reason;
        }
        String meant = countryCode(m.group(1)) + upper.substring(2);
        if (!CountryCodes.contains(m.group(1))) {
            return CountryCodes.contains(countryCode(m.group(1)))
                    ? reason + ": " + m.group(1) + " is no country; did you mean " + meant + "?"
                    : reason + ": " + m.group(1) + " is not an ISO 3166-1 country code";
        }
        return upper.equals(code) ? null : reason + "; did you mean " + upper + "?";
    }

    /** The country code {@code text} most likely means: upper-cased, UK as GB. */
    private static String countryCode(String text) {
        String upper = text.toUpperCase(java.util.Locale.ROOT);
        return COUNTRY_ALIASES.getOrDefault(upper, upper);
    }

    private List<String> locationList(Node node, String what, List<String> allowed) throws YamlReader.Problem {
        List<Node> items = yaml.sequence(node, what + " (e.g. [london, frankfurt])");
        if (items.isEmpty()) {
            throw yaml.problem(node, what + " is empty");
        }
        List<String> names = new ArrayList<>();
        for (Node item : items) {
            String name = yaml.scalar(item, "an item of " + what);
            if (!declared.contains(name)) {
                throw yaml.problem(item, "unknown location '" + name + "' in " + what);
            }
            if (!allowed.contains(name)) {
                throw yaml.problem(item, "location '" + name + "' in " + what + " is not one this name spans");
            }
            names.add(name);
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw yaml.problem(node, what + " names a location twice");
        }
        return List.copyOf(names);
    }

    private Node require(Node parent, Map<String, Node> fields, String key, String what) throws YamlReader.Problem {
        Node node = fields.get(key);
        if (node == null) {
            throw yaml.problem(parent, what + " has no '" + key + "'");
        }
        return node;
    }
}
