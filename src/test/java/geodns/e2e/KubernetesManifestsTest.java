package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.Axfr;
import geodns.e2e.support.Cli;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.Dockerfile;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.RepoFiles;
import geodns.e2e.support.Poll;
import geodns.e2e.support.Rr;
import geodns.e2e.support.ServerLogOnFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Every manifest in {@code k8s/}, parsed and held to the invariants a k3s cluster relies on: the DaemonSet on
 * every node with the host's network, DNS on 53 UDP+TCP, probes on the admin port of {@code --http}, non-root
 * with NET_BIND_SERVICE alone, a read-only root, limits that fit a 1 GB Raspberry Pi, control-plane nodes
 * included, one node at a time on updates; the kustomization lists exactly the files there are; the zones
 * ConfigMap passes {@code geodns check} laid out as the kubelet lays out a ConfigMap volume; the Grafana dashboard
 * asks only for metrics geodns exports. When kubectl is installed, {@code kubectl kustomize} renders it all.
 */
@ExtendWith(ServerLogOnFailure.class)
class KubernetesManifestsTest {
    private static final Path ROOT = GeodnsServer.root();
    private static final Path K8S = ROOT.resolve("k8s");
    private static final String NAMESPACE = "geodns";
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "PriorityClass", "CustomResourceDefinition");
    private static final long MAX_MEMORY_LIMIT = 256L << 20;

    // ------------------------------------------------------------------------------------------ kustomization

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

    // ---------------------------------------------------------------------------------------------- DaemonSet

    @Test
    void daemonSetRunsOnEveryNodeWithTheHostsNetwork() {
        Map<String, Object> ds = only("DaemonSet");
        assertEquals("apps/v1", str(ds, "apiVersion"));
        Map<String, Object> pod = map(ds, "spec", "template", "spec");
        assertEquals(Boolean.TRUE, pod.get("hostNetwork"), "hostNetwork: true (the node's own address, port 53)");
        assertEquals("ClusterFirstWithHostNet", pod.get("dnsPolicy"));
        assertEquals(map(ds, "spec", "selector", "matchLabels").entrySet().stream()
                        .filter(e -> map(ds, "spec", "template", "metadata", "labels").entrySet().contains(e)).count(),
                (long) map(ds, "spec", "selector", "matchLabels").size(), "the selector matches the pod's labels");

        List<Object> tolerations = list(pod, "tolerations");
        for (String key : List.of("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")) {
            assertTrue(tolerations.stream().anyMatch(t -> key.equals(str(t, "key"))
                            && "Exists".equals(str(t, "operator")) && "NoSchedule".equals(str(t, "effect"))),
                    "tolerates " + key + ":NoSchedule, so control-plane nodes answer too: " + tolerations);
        }

        assertEquals("RollingUpdate", str(ds, "spec", "updateStrategy", "type"));
        assertEquals("1", String.valueOf(map(ds, "spec", "updateStrategy", "rollingUpdate").get("maxUnavailable")),
                "one node at a time");
        Object surge = map(ds, "spec", "updateStrategy", "rollingUpdate").get("maxSurge");
        assertTrue(surge == null || "0".equals(String.valueOf(surge)), "no surge: two pods cannot share port 53");
    }

    @Test
    void containerServesPort53UdpAndTcpAndProbesTheAdminPortOfItsArgs() {
        Map<String, Object> container = geodnsContainer();
        List<String> args = strings(container, "args");
        String dns = flag(args, "--dns");
        String http = flag(args, "--http");
        assertTrue(List.of(dns.split(",")).containsAll(List.of("0.0.0.0:53", "[::]:53")),
                "--dns listens on every address of both families, port 53: " + dns);
        assertTrue(http.startsWith("0.0.0.0:"), "--http on every address (kubelet probes and Prometheus reach it "
                + "at the node's address): " + http);
        int admin = Integer.parseInt(http.substring(http.lastIndexOf(':') + 1));

        List<Object> ports = list(container, "ports");
        for (String protocol : List.of("UDP", "TCP")) {
            assertTrue(ports.stream().anyMatch(p -> num(p, "containerPort") == 53 && protocol.equals(str(p, "protocol"))),
                    "container port 53/" + protocol + ": " + ports);
        }
        assertTrue(ports.stream().anyMatch(p -> num(p, "containerPort") == admin), "the admin port is declared");

        assertEquals("/readyz", str(container, "readinessProbe", "httpGet", "path"));
        assertEquals(admin, port(container, map(container, "readinessProbe", "httpGet").get("port")),
                "readiness probes the port of --http");
        assertEquals("/healthz", str(container, "livenessProbe", "httpGet", "path"));
        assertEquals(admin, port(container, map(container, "livenessProbe", "httpGet").get("port")),
                "liveness probes the port of --http");
        if (container.get("startupProbe") != null) {
            assertEquals(admin, port(container, map(container, "startupProbe", "httpGet").get("port")));
        }
    }

    @Test
    void containerRunsTheImagesEntrypointWithItsCmdAsArgs() {
        Map<String, Object> container = geodnsContainer();
        assertEquals(null, container.get("command"),
                "no command: the image's ENTRYPOINT (java with the small-machine flags) runs");
        assertEquals(Dockerfile.REPOSITORY.cmd(), strings(container, "args"),
                "the DaemonSet's args are the image's CMD (one command line, written twice)");
        assertEquals("geodns", str(container, "image"), "the image is named in kustomization.yaml (images:)");
        List<Object> images = list(kustomization(), "images");
        assertTrue(images.stream().anyMatch(i -> "geodns".equals(str(i, "name")) && str(i, "newName") != null
                && str(i, "newTag") != null), "kustomization.yaml sets the image: " + images);
    }

    @Test
    void containerIsNonRootWithNetBindServiceAloneAndAReadOnlyRoot() {
        Map<String, Object> ds = only("DaemonSet");
        Map<String, Object> pod = map(ds, "spec", "template", "spec");
        Map<String, Object> container = geodnsContainer();
        Map<String, Object> effective = new LinkedHashMap<>(map(pod, "securityContext"));
        effective.putAll(map(container, "securityContext"));

        assertEquals(Boolean.TRUE, effective.get("runAsNonRoot"));
        assertEquals(10001, ((Number) effective.get("runAsUser")).intValue(), "the image's user");
        assertEquals(Boolean.TRUE, effective.get("readOnlyRootFilesystem"));
        assertFalse(Boolean.TRUE.equals(effective.get("privileged")));
        assertEquals(List.of("ALL"), strings(effective, "capabilities", "drop"));
        assertEquals(List.of("NET_BIND_SERVICE"), strings(effective, "capabilities", "add"),
                "NET_BIND_SERVICE and nothing else");
        assertEquals(Boolean.FALSE, pod.get("automountServiceAccountToken"), "geodns needs no API token");

        // Port 53 as 10001 takes java's file capability (see the Dockerfile), which no_new_privs would void:
        // privilege escalation stays allowed exactly when the DNS port is privileged and the image has the capability.
        int dnsPort = Integer.parseInt(flag(strings(container, "args"), "--dns").replaceAll(".*:", ""));
        boolean imageHasCapability = String.join("\n", Dockerfile.REPOSITORY.runtime().all("RUN"))
                .contains("setcap cap_net_bind_service=+ep");
        assertEquals(dnsPort < 1024 && imageHasCapability, effective.get("allowPrivilegeEscalation"),
                "allowPrivilegeEscalation is explicit: true only for java's file capability on a privileged port");

        // A read-only root needs a writable /tmp (Netty unpacks its epoll library there).
        assertTrue(list(container, "volumeMounts").stream().anyMatch(m -> "/tmp".equals(str(m, "mountPath"))),
                "/tmp is a volume");
    }

    @Test
    void resourcesFitASmallMachine() {
        Map<String, Object> resources = map(geodnsContainer(), "resources");
        long limit = bytes(str(resources, "limits", "memory"));
        long request = bytes(str(resources, "requests", "memory"));
        assertTrue(limit <= MAX_MEMORY_LIMIT, "memory limit at most 256Mi on a 1 GB Pi: " + resources);
        assertTrue(request > 0 && request <= limit, "a memory request no larger than the limit: " + resources);
        assertNotNull(str(resources, "requests", "cpu"), "a CPU request");
        // The heap follows the limit (MaxRAMPercentage); it must leave room for everything else the JVM needs.
        String percentage = Dockerfile.REPOSITORY.entrypointJvmFlags().stream()
                .filter(f -> f.startsWith("-XX:MaxRAMPercentage=")).findFirst().orElseThrow();
        double heapShare = Double.parseDouble(percentage.substring(percentage.indexOf('=') + 1)) / 100;
        assertTrue(limit * (1 - heapShare) >= 80L << 20,
                "at least 80 MiB of the limit outside the heap (metaspace, code, threads, buffers): " + percentage);
    }

    // --------------------------------------------------------------------------------------- zones ConfigMap

    @Test
    void zonesConfigMapIsMountedAsTheZonesFolderWithoutAHash() {
        Map<String, Object> generator = generator("geodns-zones");
        assertEquals(Boolean.TRUE, map(generator, "options").get("disableNameSuffixHash"),
                "a fixed name: an update reaches the running pods (and reloads) instead of replacing them");
        Map<String, Object> container = geodnsContainer();
        String zones = flag(strings(container, "args"), "--zones");
        Map<String, Object> mount = list(container, "volumeMounts").stream().map(KubernetesManifestsTest::asMap)
                .filter(m -> zones.equals(m.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError("a volume mounted at --zones " + zones));
        assertEquals(null, mount.get("subPath"), "no subPath: files mounted with subPath are never updated");
        Map<String, Object> volume = list(map(only("DaemonSet"), "spec", "template", "spec"), "volumes").stream()
                .map(KubernetesManifestsTest::asMap).filter(v -> mount.get("name").equals(v.get("name"))).findFirst()
                .orElseThrow();
        assertEquals("geodns-zones", str(volume, "configMap", "name"));
        List<String> files = strings(generator, "files");
        assertTrue(files.stream().anyMatch(f -> f.endsWith(".zone")), "at least one zone file: " + files);
        assertTrue(files.contains("zones/geo.yaml"), "geo.yaml: " + files);
        try (Stream<Path> present = Files.list(K8S.resolve("zones"))) {
            assertEquals(present.map(p -> "zones/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new)),
                    new TreeSet<>(files), "every file in k8s/zones/ is in the ConfigMap, and no other");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Timeout(90)
    void zonesConfigMapPassesCheckLaidOutAsAConfigMapVolume(@TempDir Path tmp) {
        Path volume = ConfigFiles.configMap(tmp.resolve("zones"), configMapFiles());
        Cli.Result result = Cli.run(60, "check", "--zones", volume.toString());
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("example.com"), result::toString);
    }

    @Test
    void clusterGeoYamlHasTheRepositoryExamplesLocationsAndNamesWithHealthProbesOn() {
        Map<String, Object> repository = yaml(GeodnsServer.exampleZones().resolve("geo.yaml"));
        Map<String, Object> cluster = yaml(K8S.resolve("zones/geo.yaml"));
        Map<String, Object> health = map(cluster, "health");
        assertTrue(str(health, "url").contains("{ip}"), "the cluster's geo.yaml probes every node: " + health);
        repository.remove("health");
        cluster.remove("health");
        assertEquals(repository, cluster, "k8s/zones/geo.yaml has the locations and names of zones/geo.yaml");
    }

    /**
     * The cluster's zone is the least a geodns zone needs: every node of geo.yaml is one of its name servers, with
     * the node's addresses as glue, and nothing else but the SOA (and the geo names geo.yaml adds). Read back by
     * zone transfer from the real server, so the zone file is parsed as geodns parses it.
     */
    @Test
    @Timeout(90)
    void clusterZonesNameServersAreTheNodesOfGeoYamlWithTheirAddressesAsGlue(@TempDir Path tmp) {
        Map<String, Object> geo = yaml(K8S.resolve("zones/geo.yaml"));
        Set<String> nodes = new TreeSet<>();
        for (Object location : map(geo, "locations").values()) {
            for (Object node : map(location, "nodes").values()) {
                Set<String> addresses = new TreeSet<>();
                for (String family : List.of("ipv4", "ipv6")) {
                    if (str(node, family) != null) {
                        addresses.add(GeoWorld.address(str(node, family)).getHostAddress());
                    }
                }
                nodes.add(String.join(" ", addresses));
            }
        }
        Set<String> geoNames = map(geo, "names").keySet().stream().map(n -> n.toLowerCase() + ".")
                .collect(Collectors.toSet());

        try (GeodnsServer server = GeodnsServer.start(clusterZonesProbingNothing(tmp))) {
            Axfr.Transfer zone = Axfr.dig(server.dns(), "example.com", "AXFR");
            assertTrue(zone.complete(), zone::text);
            List<Rr> records = zone.records().stream().filter(r -> !geoNames.contains(r.lowerName())).toList();
            Set<String> targets = records.stream().filter(r -> r.is("example.com.", "NS"))
                    .map(r -> r.data().toLowerCase()).collect(Collectors.toCollection(TreeSet::new));
            Set<String> glue = new TreeSet<>();
            for (String target : targets) {
                glue.add(records.stream().filter(r -> r.lowerName().equals(target)
                                && (r.type().equals("A") || r.type().equals("AAAA")))
                        .map(r -> GeoWorld.address(r.data()).getHostAddress()).sorted()
                        .collect(Collectors.joining(" ")));
            }
            assertEquals(nodes.size(), targets.size(), "one NS per node of geo.yaml: " + targets);
            assertEquals(nodes, glue, "each NS target's glue is one node's addresses in geo.yaml");
            List<Rr> other = records.stream().filter(r -> !r.type().equals("SOA") && !r.is("example.com.", "NS")
                    && !targets.contains(r.lowerName())).toList();
            assertEquals(List.of(), other, "nothing but the SOA, the NS records and their glue (no demo records)");
        }
    }

    /** The zones ConfigMap as a pod mounts it, but probing a closed loopback port instead of the nodes. */
    private static Path clusterZonesProbingNothing(Path tmp) {
        Map<String, String> files = configMapFiles();
        Map<String, Object> geo = new Yaml(new SafeConstructor(new LoaderOptions())).load(files.get("geo.yaml"));
        int closed = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
        map(geo, "health").put("url", "http://127.0.0.1:" + closed + "/");
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        files.put("geo.yaml", new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(dump), dump)
                .dump(geo));
        return ConfigFiles.configMap(tmp.resolve("zones"), files);
    }

    // ----------------------------------------------------------------------------------------- Prometheus

    @Test
    void serviceAndServiceMonitorScrapeTheAdminPort() {
        Map<String, Object> container = geodnsContainer();
        String http = flag(strings(container, "args"), "--http");
        int admin = Integer.parseInt(http.substring(http.lastIndexOf(':') + 1));
        Map<String, Object> podLabels = map(only("DaemonSet"), "spec", "template", "metadata", "labels");

        Map<String, Object> service = only("Service");
        assertEquals("ClusterIP", str(service, "spec", "type"));
        assertTrue(podLabels.entrySet().containsAll(map(service, "spec", "selector").entrySet()),
                "the Service selects the geodns pods");
        List<Object> ports = list(map(service, "spec"), "ports");
        assertEquals(1, ports.size());
        assertEquals("metrics", str(ports.get(0), "name"));
        assertEquals(admin, port(container, asMap(ports.get(0)).get("targetPort")), "the Service targets --http");

        Map<String, Object> monitor = only("ServiceMonitor");
        assertEquals("monitoring.coreos.com/v1", str(monitor, "apiVersion"));
        assertTrue(map(service, "metadata", "labels").entrySet()
                        .containsAll(map(monitor, "spec", "selector", "matchLabels").entrySet()),
                "the ServiceMonitor selects the Service");
        assertTrue(strings(monitor, "spec", "namespaceSelector", "matchNames").contains(NAMESPACE));
        List<Object> endpoints = list(map(monitor, "spec"), "endpoints");
        assertEquals(1, endpoints.size());
        assertEquals("metrics", str(endpoints.get(0), "port"));
        assertEquals("/metrics", str(endpoints.get(0), "path"));
        for (Object relabel : list(asMap(endpoints.get(0)), "relabelings")) {
            assertFalse(Set.of("node", "location", "name", "zone", "result", "rcode")
                            .contains(str(relabel, "targetLabel")),
                    "a target label must not collide with a geodns metric label: " + relabel);
        }
    }

    @Test
    @Timeout(120)
    void grafanaDashboardAsksOnlyForMetricsGeodnsExports(@TempDir Path tmp) throws Exception {
        Map<String, Object> dashboard = yaml(K8S.resolve("grafana-dashboard.json"));
        assertEquals("geodns", dashboard.get("uid"));
        List<String> exprs = new ArrayList<>();
        for (Object panel : list(dashboard, "panels")) {
            assertNotNull(str(panel, "title"));
            for (Object target : list(asMap(panel), "targets")) {
                exprs.add(str(target, "expr"));
            }
        }
        String all = String.join("\n", exprs);
        for (String[] wanted : new String[][] {{"geodns_queries_total", "rcode"}, {"geodns_geo_answers_total",
                "location"}, {"geodns_node_up", "node"}, {"up{", "job=\"geodns\""},
                {"geodns_probe_duration_seconds_sum", "node"}, {"geodns_reloads_total", "result"}}) {
            assertTrue(exprs.stream().anyMatch(e -> e.contains(wanted[0]) && e.contains(wanted[1])),
                    "a panel shows " + wanted[0] + " by " + wanted[1] + ":\n" + all);
        }
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("geodns_[a-z_]+").matcher(all);
        while (m.find()) {
            used.add(m.group());
        }

        Map<String, Object> generator = generator("geodns-grafana-dashboard");
        assertEquals("1", String.valueOf(map(generator, "options", "labels").get("grafana_dashboard")),
                "the ConfigMap carries the Grafana sidecar's label");

        // The cluster's config, probing a closed loopback port instead of the documentation addresses.
        Map<String, String> files = configMapFiles();
        Map<String, Object> geo = new Yaml(new SafeConstructor(new LoaderOptions())).load(files.get("geo.yaml"));
        int closed = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
        map(geo, "health").put("url", "http://127.0.0.1:" + closed + "/ping");
        map(geo, "health").put("interval", "200ms");
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        files.put("geo.yaml", new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(dump), dump)
                .dump(geo));
        Path zones = ConfigFiles.configMap(tmp.resolve("zones"), files);
        try (GeodnsServer server = GeodnsServer.start(zones)) {
            for (String name : List.of("app.example.com.", "www.example.com.")) {
                DockerfileEntrypointTest.ask(server.dns(), name);
            }
            Set<String> missing = Poll.until(Duration.ofSeconds(30), Duration.ofMillis(250),
                    "every metric the dashboard asks for is in /metrics", () -> {
                        String text = AdminHttp.ok(server, "/metrics");
                        Set<String> absent = new TreeSet<>();
                        for (String metric : used) {
                            if (!Pattern.compile("(?m)^" + metric + "[{ ]").matcher(text).find()) {
                                absent.add(metric);
                            }
                        }
                        return absent;
                    }, Set::isEmpty);
            assertEquals(Set.of(), missing);
        }
    }

    // ---------------------------------------------------------------------------------- optional GeoLite2

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
        Map<String, Object> mount = list(geodns, "volumeMounts").stream().map(KubernetesManifestsTest::asMap)
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

    private static Map<String, Object> traefikHelmChartConfig() {
        List<Map<String, Object>> docs = yamlDocuments(K8S.resolve("optional/traefik-helmchartconfig.yaml"));
        assertEquals(1, docs.size());
        return docs.get(0);
    }

    /** The Helm values of the HelmChartConfig; with {@code offered}, the keys its comments offer too. */
    private static Map<String, Object> traefikValues(Map<String, Object> config, boolean offered) {
        String text = str(config, "spec", "valuesContent");
        assertNotNull(text, "spec.valuesContent");
        if (offered) {
            // "#   kubernetesIngress:", "#     nativeLBByDefault: true": a commented key with a one-word value.
            text = text.replaceAll("(?m)^(\\s*)# ?(\\s*[A-Za-z]+:(?:\\s+\\S+)?\\s*)$", "$1$2");
        }
        return yamlDocumentsOf(text, "valuesContent").get(0);
    }

    private static List<List<String>> leafPaths(Map<String, Object> map, List<String> prefix) {
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

    private static Map<String, Object> ofKind(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    // ----------------------------------------------------------------------------------- kubectl kustomize

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

    // ---------------------------------------------------------------------------------------------- helpers

    private static Map<String, Object> kustomization() {
        return yaml(K8S.resolve("kustomization.yaml"));
    }

    private static List<String> resources() {
        return strings(kustomization(), "resources");
    }

    private static List<Map<String, Object>> generators() {
        return list(kustomization(), "configMapGenerator").stream().map(KubernetesManifestsTest::asMap).toList();
    }

    private static Map<String, Object> generator(String name) {
        return generators().stream().filter(g -> name.equals(g.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no configMapGenerator " + name));
    }

    /** The zones ConfigMap's data: file name to content, as the generator reads them from k8s/. */
    static Map<String, String> configMapFiles() {
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
    private static List<Map<String, Object>> manifests() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String file : resources()) {
            out.addAll(yamlDocuments(K8S.resolve(file)));
        }
        return out;
    }

    private static Map<String, Object> only(String kind) {
        List<Map<String, Object>> found = manifests().stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind + " in the manifests");
        return found.get(0);
    }

    private static Map<String, Object> geodnsContainer() {
        return named(list(map(only("DaemonSet"), "spec", "template", "spec"), "containers"), "geodns");
    }

    private static Map<String, Object> named(List<Object> items, String name) {
        return items.stream().map(KubernetesManifestsTest::asMap).filter(i -> name.equals(i.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no item named " + name + " in " + items));
    }

    private static String env(Map<String, Object> container, String name) {
        return str(named(list(container, "env"), name), "value");
    }

    /** The value after {@code flag} in {@code args}. */
    private static String flag(List<String> args, String flag) {
        int i = args.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < args.size(), flag + " in " + args);
        return args.get(i + 1);
    }

    /** A probe's or Service's port: a number, or the name of one of the container's ports. */
    private static int port(Map<String, Object> container, Object port) {
        if (port instanceof Number n) {
            return n.intValue();
        }
        return list(container, "ports").stream().map(KubernetesManifestsTest::asMap)
                .filter(p -> String.valueOf(port).equals(p.get("name"))).map(p -> ((Number) p.get("containerPort")).intValue())
                .findFirst().orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    /** A Kubernetes memory quantity in bytes: 192Mi, 1Gi, 200M, 134217728. */
    static long bytes(String quantity) {
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

    private static List<Map<String, Object>> kustomize(Path dir) throws Exception {
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

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    // YAML, read with SnakeYAML's safe constructor (plain maps, lists, strings, numbers, booleans).

    private static Map<String, Object> yaml(Path file) {
        List<Map<String, Object>> docs = yamlDocuments(file);
        assertEquals(1, docs.size(), "one document in " + file);
        return docs.get(0);
    }

    /** Every document of a YAML file, whatever its shape (a JSON patch is a list). */
    private static List<Object> anyYaml(Path file) {
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

    private static List<Map<String, Object>> yamlDocuments(Path file) {
        return yamlDocumentsOf(RepoFiles.read(file), K8S.relativize(file).toString());
    }

    private static List<Map<String, Object>> yamlDocumentsOf(String text, String what) {
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
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map)) {
            throw new AssertionError("expected a mapping, got " + o);
        }
        return (Map<String, Object>) o;
    }

    private static Object at(Object root, String... path) {
        Object o = root;
        for (String key : path) {
            if (o == null) {
                return null;
            }
            o = asMap(o).get(key);
        }
        return o;
    }

    private static Map<String, Object> map(Object root, String... path) {
        Object o = at(root, path);
        if (o == null) {
            throw new AssertionError("missing " + String.join(".", path));
        }
        return asMap(o);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object root, String... path) {
        Object o = at(root, path);
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List)) {
            throw new AssertionError(String.join(".", path) + " is not a list: " + o);
        }
        return (List<Object>) o;
    }

    private static List<String> strings(Object root, String... path) {
        return list(root, path).stream().map(String::valueOf).toList();
    }

    private static String str(Object root, String... path) {
        Object o = at(root, path);
        return o == null ? null : String.valueOf(o);
    }

    private static int num(Object root, String... path) {
        Object o = at(root, path);
        return o instanceof Number n ? n.intValue() : -1;
    }
}
