package geodns.server.zone;

import geodns.server.health.ProbeTarget;
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

/** Reads and checks {@code geo.yaml}; every mistake becomes a {@code file:line: reason}. */
final class GeoConfigReader {
    static final String FILE_NAME = "geo.yaml";
    private static final long DEFAULT_TTL = 30;
    private static final Pattern CONTINENT = Pattern.compile("AF|AN|AS|EU|NA|OC|SA");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern SUBDIVISION = Pattern.compile("[A-Z]{2}-[A-Z0-9]{1,3}");
    private static final Pattern DOTTED_QUAD = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final YamlReader yaml;
    private final HealthConfigReader health;
    private final Map<String, GeoConfig.Location> locations = new LinkedHashMap<>();
    private final List<ProbeTarget> probes = new ArrayList<>();

    private GeoConfigReader(String file) {
        this.yaml = new YamlReader(file);
        this.health = new HealthConfigReader(yaml);
    }

    /** The geo config in {@code dir}, or none when the folder has no geo.yaml. */
    static GeoConfig read(Path dir, List<ZoneError> errors) {
        return read(dir, HeapBudget.unlimited(), errors);
    }

    /** @param heap counts the YAML nodes read */
    static GeoConfig read(Path dir, HeapBudget heap, List<ZoneError> errors) {
        Path path = dir.resolve(FILE_NAME);
        if (!Files.exists(path)) {
            return GeoConfig.none();
        }
        GeoConfigReader reader = new GeoConfigReader(path.toString());
        try {
            return reader.config(reader.yaml.parse(path, heap), path.toString());
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
            return null;
        }
    }

    private GeoConfig config(Node root, String file) throws YamlReader.Problem {
        Map<String, Node> top = yaml.mapping(root, "the geo config");
        yaml.onlyKeys(root, top, "the geo config", "health", "locations", "names");
        if (!top.containsKey("locations")) {
            throw yaml.problem(root, "no 'locations' section");
        }
        readLocations(top.get("locations"), health.settings(top.get("health"), "health"));
        List<GeoConfig.GeoName> names = new ArrayList<>();
        if (top.containsKey("names")) {
            Node namesNode = top.get("names");
            for (Map.Entry<String, Node> e : yaml.mapping(namesNode, "names").entrySet()) {
                Node keyNode = yaml.keyNode(namesNode, e.getKey());
                GeoConfig.GeoName name = geoName(keyNode, e.getKey(), e.getValue());
                if (names.stream().anyMatch(other -> other.name().equals(name.name()))) {
                    throw yaml.problem(keyNode, "geo name " + name.name() + " is defined twice");
                }
                names.add(name);
            }
        }
        return new GeoConfig(file, List.copyOf(locations.values()), List.copyOf(names), List.copyOf(probes));
    }

    private void readLocations(Node node, HealthConfigReader.Settings global) throws YamlReader.Problem {
        Set<String> nodeNames = new HashSet<>();
        for (Map.Entry<String, Node> e : yaml.mapping(node, "locations").entrySet()) {
            String name = e.getKey();
            Node keyNode = yaml.keyNode(node, name);
            if (!LABEL.matcher(name).matches()) {
                throw yaml.problem(keyNode, "location name '" + name + "' must be lower-case letters, digits, '-'");
            }
            Map<String, Node> fields = yaml.mapping(e.getValue(), "location " + name);
            yaml.onlyKeys(e.getValue(), fields, "location " + name, "coordinates", "health", "nodes");
            HealthConfigReader.Settings local = global.under(health.settings(fields.get("health"), "health of " + name));
            Node coordinates = require(keyNode, fields, "coordinates", "location " + name);
            List<Node> latLon = yaml.sequence(coordinates, "coordinates of " + name);
            if (latLon.size() != 2) {
                throw yaml.problem(coordinates, "coordinates of " + name + " must be [latitude, longitude]");
            }
            double latitude = yaml.number(latLon.get(0), "latitude of " + name, -90, 90);
            double longitude = yaml.number(latLon.get(1), "longitude of " + name, -180, 180);
            List<GeoConfig.Node> nodes = nodes(name, require(keyNode, fields, "nodes", "location " + name),
                    nodeNames, local);
            locations.put(name, new GeoConfig.Location(name, latitude, longitude, nodes, yaml.line(keyNode)));
        }
        if (locations.isEmpty()) {
            throw yaml.problem(node, "no locations");
        }
    }

    private List<GeoConfig.Node> nodes(String location, Node node, Set<String> seen,
                                       HealthConfigReader.Settings settings) throws YamlReader.Problem {
        List<GeoConfig.Node> nodes = new ArrayList<>();
        for (Map.Entry<String, Node> e : yaml.mapping(node, "nodes of " + location).entrySet()) {
            String name = e.getKey();
            Node keyNode = yaml.keyNode(node, name);
            if (!seen.add(name)) {
                throw yaml.problem(keyNode, "node name '" + name + "' is used twice");
            }
            Map<String, Node> fields = yaml.mapping(e.getValue(), "node " + name);
            yaml.onlyKeys(e.getValue(), fields, "node " + name, "ipv4", "ipv6", "health");
            Inet4Address v4 = fields.containsKey("ipv4") ? address(fields.get("ipv4"), Inet4Address.class) : null;
            Inet6Address v6 = fields.containsKey("ipv6") ? address(fields.get("ipv6"), Inet6Address.class) : null;
            if (v4 == null && v6 == null) {
                throw yaml.problem(keyNode, "node " + name + " needs an ipv4 or ipv6 address");
            }
            nodes.add(new GeoConfig.Node(name, v4, v6, yaml.line(keyNode)));
            String ip = v4 != null ? v4.getHostAddress() : "[" + v6.getHostAddress() + "]";
            HealthConfigReader.Settings own = settings.under(health.settings(fields.get("health"), "health of " + name));
            ProbeTarget probe = health.target(own, name, location, ip);
            if (probe != null) {
                probes.add(probe);
            }
        }
        if (nodes.isEmpty()) {
            throw yaml.problem(node, "location " + location + " has no nodes");
        }
        return List.copyOf(nodes);
    }

    private <A extends InetAddress> A address(Node node, Class<A> family) throws YamlReader.Problem {
        String text = yaml.scalar(node, "an address");
        String kind = family == Inet4Address.class ? "IPv4" : "IPv6";
        // Only literals reach InetAddress, which would otherwise look a name up in DNS.
        boolean literal = family == Inet4Address.class ? DOTTED_QUAD.matcher(text).matches()
                && java.util.Arrays.stream(text.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255)
                : text.contains(":");
        try {
            InetAddress address = literal ? InetAddress.getByName(text) : null;
            if (family.isInstance(address)) {
                return family.cast(address);
            }
        } catch (java.net.UnknownHostException e) {
            // reported below
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
                ? locationList(fields.get("locations"), "locations of " + text, List.copyOf(locations.keySet()))
                : List.copyOf(locations.keySet());
        List<String> unknown = fields.containsKey("unknown")
                ? locationList(fields.get("unknown"), "unknown order of " + text, spans) : spans;
        int maxAnswers = fields.containsKey("max-answers")
                ? (int) yaml.whole(fields.get("max-answers"), "max-answers", 1, 64) : 0;
        GeoConfig.Overrides overrides = new GeoConfig.Overrides(
                overrides(fields.get("continents"), CONTINENT, "continent code (AF AN AS EU NA OC SA)", spans),
                overrides(fields.get("countries"), COUNTRY, "ISO 3166 country code like DE", spans),
                overrides(fields.get("subdivisions"), SUBDIVISION, "ISO 3166-2 subdivision code like US-CA", spans));
        return new GeoConfig.GeoName(name, ttl, spans, overrides, unknown, maxAnswers, yaml.line(keyNode));
    }

    private Map<String, List<String>> overrides(Node node, Pattern keys, String keyKind, List<String> allowed)
            throws YamlReader.Problem {
        if (node == null) {
            return Map.of();
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : yaml.mapping(node, "overrides").entrySet()) {
            if (!keys.matcher(e.getKey()).matches()) {
                throw yaml.problem(yaml.keyNode(node, e.getKey()), "'" + e.getKey() + "' is not a " + keyKind);
            }
            result.put(e.getKey(), locationList(e.getValue(), "order for " + e.getKey(), allowed));
        }
        return result;
    }

    private List<String> locationList(Node node, String what, List<String> allowed) throws YamlReader.Problem {
        List<Node> items = yaml.sequence(node, what + " (e.g. [london, frankfurt])");
        if (items.isEmpty()) {
            throw yaml.problem(node, what + " is empty");
        }
        List<String> names = new ArrayList<>();
        for (Node item : items) {
            String name = yaml.scalar(item, "an item of " + what);
            if (!locations.containsKey(name)) {
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
