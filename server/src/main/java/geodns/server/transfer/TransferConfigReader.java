package geodns.server.transfer;

import geodns.server.config.ConfigError;
import geodns.server.config.Links;
import geodns.server.config.YamlReader;
import geodns.server.wire.Network;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads and checks {@code transfer.yaml}; every mistake becomes a {@code file:line: reason}. */
public final class TransferConfigReader {
    public static final String FILE_NAME = "transfer.yaml";
    private static final List<String> ALGORITHMS = List.of("hmac-sha256", "hmac-sha384", "hmac-sha512");
    private static final int DNS_PORT = 53;
    private static final Pattern V4_PORT = Pattern.compile("([0-9.]+):([0-9]{1,5})");
    private static final Pattern V6_PORT = Pattern.compile("\\[([0-9a-fA-F:.]+)]:([0-9]{1,5})");

    private final YamlReader yaml;
    private final Path dir;
    private final List<Path> secretFiles = new ArrayList<>();

    private TransferConfigReader(String file, Path dir) {
        this.yaml = new YamlReader(file);
        this.dir = dir;
    }

    /** The transfer config in {@code dir}: none when the folder has no transfer.yaml, null when it is wrong. */
    public static TransferConfig read(Path dir, List<ConfigError> errors) {
        Path path = dir.resolve(FILE_NAME);
        if (Links.report(path, errors)) {
            return null;
        }
        if (!Files.exists(path)) {
            return TransferConfig.none();
        }
        TransferConfigReader reader = new TransferConfigReader(path.toString(), dir);
        try {
            return reader.config(reader.yaml.parse(path), path.toString());
        } catch (YamlReader.Problem p) {
            errors.add(p.error);
            return null;
        }
    }

    private TransferConfig config(Node root, String file) throws YamlReader.Problem {
        Map<String, Node> top = yaml.mapping(root, "the transfer config");
        yaml.onlyKeys(root, top, "the transfer config", "keys", "zones");
        Map<Name, TsigKey> keys = new LinkedHashMap<>();
        if (top.containsKey("keys")) {
            Node keysNode = top.get("keys");
            for (Map.Entry<String, Node> e : yaml.mapping(keysNode, "keys").entrySet()) {
                TsigKey key = key(yaml.keyNode(keysNode, e.getKey()), e.getKey(), e.getValue());
                keys.put(key.name(), key);
            }
        }
        Map<Name, Rules> zones = new LinkedHashMap<>();
        Map<Name, Integer> lines = new LinkedHashMap<>();
        if (top.containsKey("zones")) {
            Node zonesNode = top.get("zones");
            for (Map.Entry<String, Node> e : yaml.mapping(zonesNode, "zones").entrySet()) {
                Node keyNode = yaml.keyNode(zonesNode, e.getKey());
                Name zone = name(keyNode, e.getKey(), "zone name");
                if (zones.containsKey(zone)) {
                    throw yaml.problem(keyNode, "zone " + zone + " is listed twice");
                }
                zones.put(zone, rules(zone, e.getValue(), keys));
                lines.put(zone, yaml.line(keyNode));
            }
        }
        return new TransferConfig(file, Map.copyOf(keys), Map.copyOf(zones), Map.copyOf(lines),
                List.copyOf(secretFiles));
    }

    private TsigKey key(Node keyNode, String text, Node value) throws YamlReader.Problem {
        Name name = name(keyNode, text, "key name");
        String what = "key " + text;
        Map<String, Node> fields = yaml.mapping(value, what);
        yaml.onlyKeys(value, fields, what, "algorithm", "secret", "secret-file");
        String algorithm = fields.containsKey("algorithm") ? yaml.scalar(fields.get("algorithm"), "algorithm of " + what)
                : "hmac-sha256";
        if (!ALGORITHMS.contains(algorithm)) {
            throw yaml.problem(fields.getOrDefault("algorithm", value), "algorithm of " + what + " must be one of "
                    + String.join(", ", ALGORITHMS) + ", not '" + algorithm + "'");
        }
        boolean inline = fields.containsKey("secret");
        if (inline == fields.containsKey("secret-file")) {
            throw yaml.problem(value, what + " needs exactly one of 'secret' (base64) or 'secret-file' (a file "
                    + "holding the base64 secret, e.g. a mounted Kubernetes Secret)");
        }
        Node secretNode = fields.get(inline ? "secret" : "secret-file");
        String base64 = inline ? yaml.scalar(secretNode, "secret of " + what)
                : readSecretFile(secretNode, yaml.scalar(secretNode, "secret-file of " + what), what);
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw yaml.problem(secretNode, "secret of " + what + " is not base64: " + e.getMessage());
        }
        if (secret.length == 0) {
            throw yaml.problem(secretNode, "secret of " + what + " is empty");
        }
        return new TsigKey(name, TSIG.algorithmToName(algorithm), secret);
    }

    private static final int MAX_SECRET_FILE = 64 << 10;

    private String readSecretFile(Node node, String file, String what) throws YamlReader.Problem {
        Path path = dir.resolve(file);
        secretFiles.add(path);
        // Like zone files: /dev/zero would be read until the heap is gone, a FIFO would block the reload.
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw yaml.problem(node, "secret-file of " + what + ": " + path + " is not a regular file");
        }
        try (java.io.InputStream in = Files.newInputStream(path)) {
            byte[] secret = in.readNBytes(MAX_SECRET_FILE + 1);
            if (secret.length > MAX_SECRET_FILE) {
                throw yaml.problem(node, "secret-file of " + what + ": " + path + " is larger than "
                        + MAX_SECRET_FILE + " bytes (a base64 secret is under 100)");
            }
            return new String(secret, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw yaml.problem(node, "secret-file of " + what + ": cannot read " + path + ": " + e);
        }
    }

    private Rules rules(Name zone, Node value, Map<Name, TsigKey> keys) throws YamlReader.Problem {
        String what = "zone " + zone;
        Map<String, Node> fields = yaml.mapping(value, what);
        yaml.onlyKeys(value, fields, what, "allow", "key", "notify");
        if (!fields.containsKey("allow")) {
            throw yaml.problem(value, what + " has no 'allow' list of the secondaries' addresses or networks");
        }
        List<Network> allow = new ArrayList<>();
        for (Node item : yaml.sequence(fields.get("allow"), "allow of " + what)) {
            try {
                allow.add(Network.parse(yaml.scalar(item, "an item of allow of " + what)));
            } catch (IllegalArgumentException e) {
                throw yaml.problem(item, "allow of " + what + ": " + e.getMessage());
            }
        }
        TsigKey key = null;
        if (fields.containsKey("key")) {
            Node keyNode = fields.get("key");
            Name keyName = name(keyNode, yaml.scalar(keyNode, "key of " + what), "key name");
            key = keys.get(keyName);
            if (key == null) {
                throw yaml.problem(keyNode, "key of " + what + ": no key '" + keyName.toString(true)
                        + "' under 'keys'");
            }
        }
        List<InetSocketAddress> notify = new ArrayList<>();
        if (fields.containsKey("notify")) {
            for (Node item : yaml.sequence(fields.get("notify"), "notify of " + what)) {
                notify.add(target(item, yaml.scalar(item, "an item of notify of " + what), what));
            }
        }
        return new Rules(allow, key, notify);
    }

    /** {@code 192.0.2.1}, {@code 192.0.2.1:5301}, {@code 2001:db8::1} or {@code [2001:db8::1]:5301}. */
    private InetSocketAddress target(Node node, String text, String what) throws YamlReader.Problem {
        String host = text;
        int port = DNS_PORT;
        Matcher v4 = V4_PORT.matcher(text);
        Matcher v6 = V6_PORT.matcher(text);
        if (v4.matches() || v6.matches()) {
            Matcher m = v4.matches() ? v4 : v6;
            host = m.group(1);
            port = Integer.parseInt(m.group(2));
        }
        InetAddress address = Network.literal(host);
        if (address == null || port < 1 || port > 65535) {
            throw yaml.problem(node, "notify of " + what + ": '" + text + "' is not an address with an optional "
                    + "port (192.0.2.1, 192.0.2.1:5301, [2001:db8::1]:5301)");
        }
        return new InetSocketAddress(address, port);
    }

    private Name name(Node node, String text, String what) throws YamlReader.Problem {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw yaml.problem(node, what + " '" + text + "' is not a DNS name: " + e.getMessage());
        }
    }
}
