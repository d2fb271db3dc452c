package geodns.e2e;

import static geodns.e2e.support.K8sManifests.K8S;
import static geodns.e2e.support.K8sManifests.NAMESPACE;
import static geodns.e2e.support.K8sManifests.anyYaml;
import static geodns.e2e.support.K8sManifests.asMap;
import static geodns.e2e.support.K8sManifests.configMapFiles;
import static geodns.e2e.support.K8sManifests.generator;
import static geodns.e2e.support.K8sManifests.generators;
import static geodns.e2e.support.K8sManifests.geodnsContainer;
import static geodns.e2e.support.K8sManifests.kustomization;
import static geodns.e2e.support.K8sManifests.kustomize;
import static geodns.e2e.support.K8sManifests.list;
import static geodns.e2e.support.K8sManifests.map;
import static geodns.e2e.support.K8sManifests.named;
import static geodns.e2e.support.K8sManifests.onPath;
import static geodns.e2e.support.K8sManifests.only;
import static geodns.e2e.support.K8sManifests.resources;
import static geodns.e2e.support.K8sManifests.str;
import static geodns.e2e.support.K8sManifests.strings;
import static geodns.e2e.support.K8sManifests.yamlDocuments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kustomization of {@code k8s/}: it lists exactly the files there are, every manifest parses and lives in the
 * geodns namespace, and when kubectl is installed {@code kubectl kustomize} renders it all.
 */
class KubernetesKustomizationTest {
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "PriorityClass", "CustomResourceDefinition");

    @Test
    void kustomizationListsEveryManifestAndEveryListedFileExists() throws IOException {
        Map<String, Object> k = kustomization();
        assertEquals("kustomize.config.k8s.io/v1beta1", k.get("apiVersion"));
        assertEquals("Kustomization", k.get("kind"));
        assertEquals(NAMESPACE, k.get("namespace"));

        Set<String> listed = new LinkedHashSet<>(resources());
        for (Map<String, Object> generator : generators()) {
            for (Object file : list(generator, "files")) {
                String f = file.toString();
                listed.add(f.contains("=") ? f.substring(f.indexOf('=') + 1) : f);
            }
        }
        for (Object patch : list(k, "patches")) {
            listed.add(str(patch, "path"));
        }
        for (String file : listed) {
            assertTrue(Files.isRegularFile(K8S.resolve(file)), "kustomization.yaml lists k8s/" + file + ": missing");
        }

        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.walk(K8S)) {
            files.filter(Files::isRegularFile).map(p -> K8S.relativize(p).toString())
                    .filter(p -> !p.equals("kustomization.yaml") && !p.endsWith(".md"))
                    .filter(p -> !p.startsWith("optional/"))
                    .forEach(present::add);
        }
        Set<String> unlisted = new TreeSet<>(present);
        unlisted.removeAll(listed);
        assertEquals(Set.of(), unlisted, "files in k8s/ that kustomization.yaml does not list (kubectl apply -k "
                + "would leave them out)");

        // Optional parts are offered in kustomization.yaml (a commented patch) and documented in k8s/README.md.
        String kustomizationText = RepoFiles.read(K8S.resolve("kustomization.yaml"));
        String readme = RepoFiles.read(K8S.resolve("README.md"));
        try (Stream<Path> files = Files.list(K8S.resolve("optional"))) {
            for (Path optional : files.toList()) {
                String name = "optional/" + optional.getFileName();
                assertTrue(kustomizationText.contains(name), "kustomization.yaml shows how to enable " + name);
                assertTrue(readme.contains(name), "k8s/README.md documents " + name);
                assertFalse(anyYaml(optional).isEmpty(), name + " parses");
            }
        }
    }

    @Test
    void everyManifestParsesAndLivesInTheGeodnsNamespace() {
        Set<String> kinds = new TreeSet<>();
        for (String file : resources()) {
            for (Map<String, Object> doc : yamlDocuments(K8S.resolve(file))) {
                String kind = str(doc, "kind");
                kinds.add(kind);
                assertNotNull(doc.get("apiVersion"), file + ": apiVersion");
                assertNotNull(str(doc, "metadata", "name"), file + ": metadata.name");
                if (!CLUSTER_SCOPED.contains(kind)) {
                    assertEquals(NAMESPACE, str(doc, "metadata", "namespace"), file + ": " + kind + " namespace");
                }
            }
        }
        assertEquals(new TreeSet<>(Set.of("DaemonSet", "Namespace", "Service", "ServiceAccount", "ServiceMonitor")),
                kinds);
        Map<String, Object> ns = only("Namespace");
        assertEquals(NAMESPACE, str(ns, "metadata", "name"));
        assertEquals("privileged", str(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce"),
                "Pod Security admission must admit hostNetwork pods in this namespace");
    }

    // ----------------------------------------------------------------------------------- kubectl kustomize

    @Test
    @Timeout(120)
    void kubectlKustomizeRendersTheDnssecPatchAsKustomizationYamlOffersIt(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed: the rendering is not checked");
        Path copy = tmp.resolve("k8s");
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path file : files.toList()) {
                Path to = copy.resolve(K8S.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        String text = RepoFiles.read(K8S.resolve("kustomization.yaml"));
        String enabled = text.replace("# patches:", "patches:")
                .replace("#   - path: optional/dnssec-args.yaml", "  - path: optional/dnssec-args.yaml")
                .replace("#     target: {name: geodns, kind: DaemonSet}", "    target: {name: geodns, kind: DaemonSet}")
                .replace("#   - path: optional/dnssec-patch.yaml", "  - path: optional/dnssec-patch.yaml");
        assertFalse(enabled.equals(text), "kustomization.yaml has the commented DNSSEC patch lines");
        Files.writeString(copy.resolve("kustomization.yaml"), enabled);
        Map<String, Object> patched = kustomize(copy).stream().filter(d -> "DaemonSet".equals(d.get("kind")))
                .findFirst().orElseThrow();
        Map<String, Object> pod = map(patched, "spec", "template", "spec");
        Map<String, Object> geodns = named(list(pod, "containers"), "geodns");
        List<String> base = strings(geodnsContainer(), "args");
        assertEquals(List.of("--keys", "/keys"), strings(geodns, "args").subList(base.size(),
                strings(geodns, "args").size()), "--keys DIR after the DaemonSet's arguments");
        assertEquals(Set.of("zones", "tmp", "dnssec-keys"), list(geodns, "volumeMounts").stream()
                .map(v -> str(v, "name")).collect(Collectors.toSet()));
        assertEquals(0400, ((Number) map(named(list(pod, "volumes"), "dnssec-keys"), "secret").get("defaultMode"))
                .intValue());
        assertEquals(10001, ((Number) map(pod, "securityContext").get("fsGroup")).intValue());
        assertEquals(10001, ((Number) map(pod, "securityContext").get("runAsUser")).intValue(),
                "the patch keeps the pod's security context");
    }

    @Test
    @Timeout(120)
    void kubectlKustomizeRendersTheManifestsWithAndWithoutTheGeoipPatch(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed: the rendering is not checked");
        List<Map<String, Object>> rendered = kustomize(K8S);
        Map<String, Integer> kinds = new TreeMap<>();
        rendered.forEach(d -> kinds.merge(str(d, "kind"), 1, Integer::sum));
        assertEquals(Map.of("ConfigMap", 2, "DaemonSet", 1, "Namespace", 1, "Service", 1, "ServiceAccount", 1,
                "ServiceMonitor", 1), kinds);
        Map<String, Object> ds = rendered.stream().filter(d -> "DaemonSet".equals(d.get("kind"))).findFirst()
                .orElseThrow();
        Map<String, Object> image = asMap(list(kustomization(), "images").get(0));
        assertEquals(str(image, "newName") + ":" + str(image, "newTag"),
                str(named(list(map(ds, "spec", "template", "spec"), "containers"), "geodns"), "image"));
        Map<String, Object> zones = rendered.stream().filter(d -> "ConfigMap".equals(d.get("kind"))
                && "geodns-zones".equals(str(d, "metadata", "name"))).findFirst().orElseThrow();
        assertEquals(configMapFiles(), map(zones, "data"), "the rendered ConfigMap holds k8s/zones/ as it is");

        // With the optional patch enabled as kustomization.yaml shows.
        Path copy = tmp.resolve("k8s");
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path file : files.toList()) {
                Path to = copy.resolve(K8S.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        String text = RepoFiles.read(K8S.resolve("kustomization.yaml"));
        String enabled = text.replace("# patches:", "patches:")
                .replace("#   - path: optional/geoipupdate-args.yaml", "  - path: optional/geoipupdate-args.yaml")
                .replace("#     target: {kind: DaemonSet, name: geodns}", "    target: {kind: DaemonSet, name: geodns}")
                .replace("#   - path: optional/geoipupdate-patch.yaml", "  - path: optional/geoipupdate-patch.yaml");
        assertFalse(enabled.equals(text), "kustomization.yaml has the commented patch lines");
        Files.writeString(copy.resolve("kustomization.yaml"), enabled);
        Map<String, Object> patched = kustomize(copy).stream().filter(d -> "DaemonSet".equals(d.get("kind")))
                .findFirst().orElseThrow();
        Map<String, Object> pod = map(patched, "spec", "template", "spec");
        assertEquals(List.of("geodns", "geoipupdate"), list(pod, "containers").stream().map(c -> str(c, "name"))
                .toList());
        assertEquals(List.of("geoipupdate-first"), list(pod, "initContainers").stream().map(c -> str(c, "name"))
                .toList());
        Map<String, Object> geodns = named(list(pod, "containers"), "geodns");
        List<String> base = strings(geodnsContainer(), "args");
        assertEquals(base, strings(geodns, "args").subList(0, base.size()), "the DaemonSet's arguments, kept");
        assertEquals(List.of("--geoip", "/geoip/GeoLite2-City.mmdb"), strings(geodns, "args").subList(base.size(),
                strings(geodns, "args").size()), "and --geoip FILE after them");
        Map<String, Object> security = map(geodns, "securityContext");
        assertEquals(List.of("NET_BIND_SERVICE"), strings(security, "capabilities", "add"),
                "the patch keeps the geodns container's security context");
        assertEquals(Set.of("zones", "tmp", "geoip"), list(geodns, "volumeMounts").stream()
                .map(v -> str(v, "name")).collect(Collectors.toSet()));
    }

}
