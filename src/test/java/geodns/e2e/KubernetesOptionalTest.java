package geodns.e2e;

import static geodns.e2e.support.K8sManifests.MAX_MEMORY_LIMIT;
import static geodns.e2e.support.K8sManifests.K8S;
import static geodns.e2e.support.K8sManifests.ROOT;
import static geodns.e2e.support.K8sManifests.anyYaml;
import static geodns.e2e.support.K8sManifests.asMap;
import static geodns.e2e.support.K8sManifests.at;
import static geodns.e2e.support.K8sManifests.bytes;
import static geodns.e2e.support.K8sManifests.env;
import static geodns.e2e.support.K8sManifests.leafPaths;
import static geodns.e2e.support.K8sManifests.list;
import static geodns.e2e.support.K8sManifests.map;
import static geodns.e2e.support.K8sManifests.named;
import static geodns.e2e.support.K8sManifests.num;
import static geodns.e2e.support.K8sManifests.ofKind;
import static geodns.e2e.support.K8sManifests.only;
import static geodns.e2e.support.K8sManifests.port;
import static geodns.e2e.support.K8sManifests.resources;
import static geodns.e2e.support.K8sManifests.str;
import static geodns.e2e.support.K8sManifests.strings;
import static geodns.e2e.support.K8sManifests.traefikHelmChartConfig;
import static geodns.e2e.support.K8sManifests.traefikValues;
import static geodns.e2e.support.K8sManifests.yaml;
import static geodns.e2e.support.K8sManifests.yamlDocuments;
import static geodns.e2e.support.K8sManifests.yamlDocumentsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.K8sManifests;
import geodns.e2e.support.RepoFiles;
import geodns.e2e.support.ServerLogOnFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@code k8s/} offers beside the base: the GeoLite2 patch (geoipupdate keeping a City database in a shared
 * emptyDir) and, to keep traffic in its location, a Traefik HelmChartConfig and an example app.
 */
@ExtendWith(ServerLogOnFailure.class)
class KubernetesOptionalTest {
    @Test
    void geoipupdatePatchKeepsACityDatabaseInASharedEmptyDir() {
        List<Map<String, Object>> docs = yamlDocuments(K8S.resolve("optional/geoipupdate-patch.yaml"));
        assertEquals(1, docs.size());
        Map<String, Object> patch = docs.get(0);
        assertEquals("DaemonSet", patch.get("kind"));
        assertEquals("geodns", str(patch, "metadata", "name"));
        Map<String, Object> pod = map(patch, "spec", "template", "spec");

        Map<String, Object> geodns = named(list(pod, "containers"), "geodns");
        assertEquals(null, geodns.get("args"), "the patch leaves the DaemonSet's arguments alone: a strategic "
                + "merge would replace them with a second copy of the command line");
        // optional/geoipupdate-args.yaml (JSON patch) appends --geoip FILE to the first container's arguments.
        assertEquals("geodns", str(list(map(only("DaemonSet"), "spec", "template", "spec"), "containers").get(0),
                "name"), "the DaemonSet's first container is geodns");
        List<String> added = new ArrayList<>();
        for (Object op : anyYaml(K8S.resolve("optional/geoipupdate-args.yaml")).stream()
                .flatMap(d -> ((List<?>) d).stream()).toList()) {
            assertEquals("add", str(op, "op"));
            assertEquals("/spec/template/spec/containers/0/args/-", str(op, "path"), "appended to geodns's args");
            added.add(str(op, "value"));
        }
        assertEquals("--geoip", added.get(0), "adds --geoip FILE: " + added);
        assertEquals(2, added.size(), "adds --geoip FILE: " + added);
        String database = added.get(1);
        assertTrue(database.endsWith("/GeoLite2-City.mmdb"), database);
        String dir = database.substring(0, database.lastIndexOf('/'));
        Map<String, Object> mount = list(geodns, "volumeMounts").stream().map(K8sManifests::asMap)
                .filter(mt -> dir.equals(mt.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError("geodns mounts the database folder " + dir));
        assertEquals(Boolean.TRUE, mount.get("readOnly"));
        String volumeName = str(mount, "name");
        Map<String, Object> volume = named(list(pod, "volumes"), volumeName);
        assertNotNull(volume.get("emptyDir"), "the database lives in an emptyDir: " + volume);
        assertTrue(bytes(str(geodns, "resources", "limits", "memory")) <= MAX_MEMORY_LIMIT);

        Map<String, Object> sidecar = named(list(pod, "containers"), "geoipupdate");
        Map<String, Object> first = named(list(pod, "initContainers"), "geoipupdate-first");
        for (Map<String, Object> updater : List.of(first, sidecar)) {
            assertTrue(str(updater, "image").startsWith("ghcr.io/maxmind/geoipupdate:"), str(updater, "image"));
            Map<String, Object> env = new LinkedHashMap<>();
            for (Object e : list(updater, "env")) {
                env.put(str(e, "name"), asMap(e));
            }
            assertEquals("GeoLite2-City", str(env, "GEOIPUPDATE_EDITION_IDS", "value"));
            for (String secret : List.of("GEOIPUPDATE_ACCOUNT_ID", "GEOIPUPDATE_LICENSE_KEY")) {
                assertNotNull(str(env, secret, "valueFrom", "secretKeyRef", "name"), secret + " from a Secret");
            }
            String dbDir = str(env, "GEOIPUPDATE_DB_DIR", "value");
            assertTrue(list(updater, "volumeMounts").stream().anyMatch(mt -> volumeName.equals(str(mt, "name"))
                    && dbDir.equals(str(mt, "mountPath"))), "writes into the shared volume at " + dbDir);
            Map<String, Object> security = map(updater, "securityContext");
            assertEquals(Boolean.TRUE, security.get("runAsNonRoot"));
            assertEquals(Boolean.FALSE, security.get("allowPrivilegeEscalation"));
            assertEquals(Boolean.TRUE, security.get("readOnlyRootFilesystem"));
            assertEquals(List.of("ALL"), strings(security, "capabilities", "drop"));
            assertTrue(list(updater, "volumeMounts").stream().anyMatch(mt -> "/tmp".equals(str(mt, "mountPath"))),
                    "the updater writes its state below /tmp");
        }
        assertEquals(0, Integer.parseInt(env(first, "GEOIPUPDATE_FREQUENCY")),
                "the init container downloads once, so geodns starts with a database");
        assertTrue(Integer.parseInt(env(sidecar, "GEOIPUPDATE_FREQUENCY")) > 0, "the sidecar keeps checking");
    }

    @Test
    void dnssecPatchMountsTheKeysSecretReadOnlyForGeodnsAlone() {
        Map<String, Object> patch = yamlDocuments(K8S.resolve("optional/dnssec-patch.yaml")).get(0);
        assertEquals("DaemonSet", patch.get("kind"));
        assertEquals("geodns", str(patch, "metadata", "name"));
        Map<String, Object> pod = map(patch, "spec", "template", "spec");
        Map<String, Object> geodns = named(list(pod, "containers"), "geodns");
        assertEquals(null, geodns.get("args"), "the args come from optional/dnssec-args.yaml, a JSON patch");
        List<String> added = new ArrayList<>();
        for (Object op : anyYaml(K8S.resolve("optional/dnssec-args.yaml")).stream()
                .flatMap(d -> ((List<?>) d).stream()).toList()) {
            assertEquals("add", str(op, "op"));
            assertEquals("/spec/template/spec/containers/0/args/-", str(op, "path"), "appended to geodns's args");
            added.add(str(op, "value"));
        }
        assertEquals(2, added.size(), "adds --keys DIR: " + added);
        assertEquals("--keys", added.get(0));
        Map<String, Object> mount = list(geodns, "volumeMounts").stream().map(K8sManifests::asMap)
                .filter(mt -> added.get(1).equals(mt.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError("geodns mounts the keys folder " + added.get(1)));
        assertEquals(Boolean.TRUE, mount.get("readOnly"));
        Map<String, Object> secret = map(named(list(pod, "volumes"), str(mount, "name")), "secret");
        assertEquals("geodns-dnssec", str(secret, "secretName"));
        assertEquals(0400, num(secret, "defaultMode"), "the key files readable by their owner (and, through the"
                + " fsGroup, geodns's group) only");
        Map<String, Object> daemonSetPod = map(only("DaemonSet"), "spec", "template", "spec");
        assertEquals(num(daemonSetPod, "securityContext", "runAsGroup"), num(pod, "securityContext", "fsGroup"),
                "the kubelet hands the files to the fsGroup, which must be geodns's own group");
        assertTrue(RepoFiles.read(K8S.resolve("kustomization.yaml")).contains("#   - path: optional/dnssec-patch.yaml"),
                "kustomization.yaml offers the patch, commented");
    }

    // ------------------------------------------------------------------- optional: traffic kept in its location

    @Test
    void traefikHelmChartConfigRunsK3sTraefikOnEveryNodeWithLocalExternalTrafficPolicy() {
        Map<String, Object> config = traefikHelmChartConfig();
        assertEquals("helm.cattle.io/v1", str(config, "apiVersion"));
        assertEquals("HelmChartConfig", str(config, "kind"));
        assertEquals("traefik", str(config, "metadata", "name"), "k3s's HelmChart for its Traefik is named traefik");
        assertEquals("kube-system", str(config, "metadata", "namespace"), "beside k3s's HelmChart");
        Map<String, Object> values = traefikValues(config, false);
        assertEquals("DaemonSet", str(values, "deployment", "kind"), "a Traefik on every node");
        assertEquals("Local", str(values, "service", "spec", "externalTrafficPolicy"),
                "a node's port 80 reaches that node's Traefik only");
        assertFalse(Boolean.TRUE.equals(at(values, "hostNetwork")), "no hostNetwork: ServiceLB holds port 80 (and "
                + "the chart refuses a DaemonSet on the host's network with its default maxUnavailable 0)");
    }

    /**
     * Helm ignores a values key the chart does not know, so a typo would leave Traefik as it was without a word.
     * Every key the HelmChartConfig sets (and every key its comments offer) must be one of the chart's, in the
     * charts k3s bundles, or lie below a key whose default is an empty map that the chart copies as it is
     * ({@code service.spec}, which goes into the Service's spec).
     */
    @Test
    void traefikHelmChartConfigSetsOnlyKeysOfTheChartsK3sBundles() {
        Map<String, Object> config = traefikHelmChartConfig();
        List<String> unknown = new ArrayList<>();
        for (String version : List.of("34.2.0", "39.0.7")) {
            Map<String, Object> chart = yamlDocumentsOf(RepoFiles.read(ROOT.resolve(
                    "src/test/resources/traefik-helm-chart/values-" + version + ".yaml")), "chart " + version).get(0);
            for (List<String> path : leafPaths(traefikValues(config, true), new ArrayList<>())) {
                Object at = chart;
                for (String key : path) {
                    if (at instanceof Map<?, ?> m && m.isEmpty()) {
                        break;   // a free-form map: anything below it is passed through
                    }
                    if (!(at instanceof Map<?, ?> m) || !m.containsKey(key)) {
                        unknown.add(String.join(".", path) + " (chart " + version + ")");
                        break;
                    }
                    at = m.get(key);
                }
            }
        }
        assertEquals(List.of(), unknown, "keys the Traefik chart does not have");
    }

    @Test
    void exampleAppRunsOnEveryNodeAndIsReachedOnlyFromItsOwnNode() {
        List<Map<String, Object>> docs = yamlDocuments(K8S.resolve("optional/app-on-every-node.yaml"));
        Map<String, Object> daemonSet = ofKind(docs, "DaemonSet");
        Map<String, Object> service = ofKind(docs, "Service");
        Map<String, Object> ingress = ofKind(docs, "Ingress");
        String namespace = str(ofKind(docs, "Namespace"), "metadata", "name");
        for (Map<String, Object> d : List.of(daemonSet, service, ingress)) {
            assertEquals(namespace, str(d, "metadata", "namespace"), str(d, "kind") + " in the app's namespace");
        }
        Map<String, Object> pod = map(daemonSet, "spec", "template", "spec");
        for (String key : List.of("node-role.kubernetes.io/control-plane", "CriticalAddonsOnly")) {
            assertTrue(list(pod, "tolerations").stream().anyMatch(t -> key.equals(str(t, "key"))),
                    "the app runs where k3s runs Traefik, control-plane nodes included: tolerates " + key);
        }
        assertTrue(map(daemonSet, "spec", "template", "metadata", "labels").entrySet()
                .containsAll(map(service, "spec", "selector").entrySet()), "the Service selects the app's pods");

        assertEquals("Local", str(service, "spec", "internalTrafficPolicy"),
                "the node's Traefik reaches the app pod on its own node only");
        assertEquals("true", str(service, "metadata", "annotations", "traefik.ingress.kubernetes.io/service.nativelb"),
                "Traefik sends to the ClusterIP, where internalTrafficPolicy applies (not to every pod directly)");
        Map<String, Object> container = asMap(list(pod, "containers").get(0));
        Object target = asMap(list(map(service, "spec"), "ports").get(0)).get("targetPort");
        assertTrue(port(container, target) > 0, "the Service targets a port of the app's container");

        assertEquals("traefik", str(ingress, "spec", "ingressClassName"), "k3s's Traefik IngressClass");
        Map<String, Object> rule = asMap(list(map(ingress, "spec"), "rules").get(0));
        Set<String> geoNames = map(yaml(K8S.resolve("zones/geo.yaml")), "names").keySet();
        assertTrue(geoNames.contains(str(rule, "host")), "the Ingress routes a geo name of geo.yaml: " + rule);
        Map<String, Object> backend = map(asMap(list(rule, "http", "paths").get(0)), "backend", "service");
        assertEquals(str(service, "metadata", "name"), str(backend, "name"));
        assertTrue(list(map(service, "spec"), "ports").stream().anyMatch(p -> str(backend, "port", "name") != null
                ? str(backend, "port", "name").equals(str(p, "name")) : num(backend, "port", "number") == num(p,
                "port")), "the Ingress names a port of the Service");
    }

}
