package geodns.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The manifests of {@code k8s/} read as the tests check them: the kustomization, its documents, YAML paths. */
public final class K8sManifests {
    public static final Path ROOT = GeodnsServer.root();
    public static final Path K8S = ROOT.resolve("k8s");
    public static final String NAMESPACE = "geodns";
    /** The most memory a container may be limited to on a 1 GB Raspberry Pi. */
    public static final long MAX_MEMORY_LIMIT = 256L << 20;

    private K8sManifests() {
    }

    public static Map<String, Object> traefikHelmChartConfig() {
        List<Map<String, Object>> docs = yamlDocuments(K8S.resolve("optional/traefik-helmchartconfig.yaml"));
        assertEquals(1, docs.size());
        return docs.get(0);
    }

    /** The Helm values of the HelmChartConfig; with {@code offered}, the keys its comments offer too. */
    public static Map<String, Object> traefikValues(Map<String, Object> config, boolean offered) {
        String text = str(config, "spec", "valuesContent");
        assertNotNull(text, "spec.valuesContent");
        if (offered) {
            // "#   kubernetesIngress:", "#     nativeLBByDefault: true": a commented key with a one-word value.
            text = text.replaceAll("(?m)^(\\s*)# ?(\\s*[A-Za-z]+:(?:\\s+\\S+)?\\s*)$", "$1$2");
        }
        return yamlDocumentsOf(text, "valuesContent").get(0);
    }

    public static List<List<String>> leafPaths(Map<String, Object> map, List<String> prefix) {
        List<List<String>> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(e.getKey());
            if (e.getValue() instanceof Map<?, ?> && !asMap(e.getValue()).isEmpty()) {
                out.addAll(leafPaths(asMap(e.getValue()), path));
            } else {
                out.add(path);
            }
        }
        return out;
    }

    public static Map<String, Object> ofKind(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }


    public static Map<String, Object> kustomization() {
        return yaml(K8S.resolve("kustomization.yaml"));
    }

    public static List<String> resources() {
        return strings(kustomization(), "resources");
    }

    public static List<Map<String, Object>> generators() {
        return list(kustomization(), "configMapGenerator").stream().map(K8sManifests::asMap).toList();
    }

    public static Map<String, Object> generator(String name) {
        return generators().stream().filter(g -> name.equals(g.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no configMapGenerator " + name));
    }

    /** The zones ConfigMap's data: file name to content, as the generator reads them from k8s/. */
    public static Map<String, String> configMapFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String file : strings(generator("geodns-zones"), "files")) {
            String key = file.contains("=") ? file.substring(0, file.indexOf('=')) : Path.of(file).getFileName()
                    .toString();
            String path = file.contains("=") ? file.substring(file.indexOf('=') + 1) : file;
            files.put(key, RepoFiles.read(K8S.resolve(path)));
        }
        return files;
    }

    /** Every document of every resource in kustomization.yaml. */
    public static List<Map<String, Object>> manifests() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String file : resources()) {
            out.addAll(yamlDocuments(K8S.resolve(file)));
        }
        return out;
    }

    public static Map<String, Object> only(String kind) {
        List<Map<String, Object>> found = manifests().stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind + " in the manifests");
        return found.get(0);
    }

    public static Map<String, Object> geodnsContainer() {
        return named(list(map(only("DaemonSet"), "spec", "template", "spec"), "containers"), "geodns");
    }

    public static Map<String, Object> named(List<Object> items, String name) {
        return items.stream().map(K8sManifests::asMap).filter(i -> name.equals(i.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no item named " + name + " in " + items));
    }

    public static String env(Map<String, Object> container, String name) {
        return str(named(list(container, "env"), name), "value");
    }

    /** The value after {@code flag} in {@code args}. */
    public static String flag(List<String> args, String flag) {
        int i = args.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < args.size(), flag + " in " + args);
        return args.get(i + 1);
    }

    /** A probe's or Service's port: a number, or the name of one of the container's ports. */
    public static int port(Map<String, Object> container, Object port) {
        if (port instanceof Number n) {
            return n.intValue();
        }
        return list(container, "ports").stream().map(K8sManifests::asMap)
                .filter(p -> String.valueOf(port).equals(p.get("name"))).map(p -> ((Number) p.get("containerPort")).intValue())
                .findFirst().orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    /** A Kubernetes memory quantity in bytes: 192Mi, 1Gi, 200M, 134217728. */
    public static long bytes(String quantity) {
        Matcher m = Pattern.compile("([0-9]+)(Ki|Mi|Gi|k|M|G)?").matcher(quantity);
        assertTrue(m.matches(), "a memory quantity: " + quantity);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "k" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            default -> n;
        };
    }

    public static List<Map<String, Object>> kustomize(Path dir) throws Exception {
        Path out = Files.createTempFile("geodns-kustomize-", ".yaml");
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize finishes");
            String text = Files.readString(out);
            assertEquals(0, process.exitValue(), "kubectl kustomize " + dir + "\n" + text);
            return yamlDocumentsOf(text, "kubectl kustomize " + dir);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    // YAML, read with SnakeYAML's safe constructor (plain maps, lists, strings, numbers, booleans).

    public static Map<String, Object> yaml(Path file) {
        List<Map<String, Object>> docs = yamlDocuments(file);
        assertEquals(1, docs.size(), "one document in " + file);
        return docs.get(0);
    }

    /** Every document of a YAML file, whatever its shape (a JSON patch is a list). */
    public static List<Object> anyYaml(Path file) {
        List<Object> docs = new ArrayList<>();
        try {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(RepoFiles.read(file))) {
                if (doc != null) {
                    docs.add(doc);
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError(K8S.relativize(file) + " does not parse: " + e.getMessage(), e);
        }
        return docs;
    }

    public static List<Map<String, Object>> yamlDocuments(Path file) {
        return yamlDocumentsOf(RepoFiles.read(file), K8S.relativize(file).toString());
    }

    public static List<Map<String, Object>> yamlDocumentsOf(String text, String what) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
                if (doc == null) {
                    continue;
                }
                docs.add(asMap(doc));
            }
        } catch (RuntimeException e) {
            throw new AssertionError(what + " does not parse: " + e.getMessage(), e);
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map)) {
            throw new AssertionError("expected a mapping, got " + o);
        }
        return (Map<String, Object>) o;
    }

    public static Object at(Object root, String... path) {
        Object o = root;
        for (String key : path) {
            if (o == null) {
                return null;
            }
            o = asMap(o).get(key);
        }
        return o;
    }

    public static Map<String, Object> map(Object root, String... path) {
        Object o = at(root, path);
        if (o == null) {
            throw new AssertionError("missing " + String.join(".", path));
        }
        return asMap(o);
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object root, String... path) {
        Object o = at(root, path);
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List)) {
            throw new AssertionError(String.join(".", path) + " is not a list: " + o);
        }
        return (List<Object>) o;
    }

    public static List<String> strings(Object root, String... path) {
        return list(root, path).stream().map(String::valueOf).toList();
    }

    public static String str(Object root, String... path) {
        Object o = at(root, path);
        return o == null ? null : String.valueOf(o);
    }

    public static int num(Object root, String... path) {
        Object o = at(root, path);
        return o instanceof Number n ? n.intValue() : -1;
    }
}
