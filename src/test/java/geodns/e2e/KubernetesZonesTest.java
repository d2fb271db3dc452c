package geodns.e2e;

import static geodns.e2e.support.K8sManifests.K8S;
import static geodns.e2e.support.K8sManifests.asMap;
import static geodns.e2e.support.K8sManifests.at;
import static geodns.e2e.support.K8sManifests.configMapFiles;
import static geodns.e2e.support.K8sManifests.flag;
import static geodns.e2e.support.K8sManifests.generator;
import static geodns.e2e.support.K8sManifests.geodnsContainer;
import static geodns.e2e.support.K8sManifests.list;
import static geodns.e2e.support.K8sManifests.map;
import static geodns.e2e.support.K8sManifests.only;
import static geodns.e2e.support.K8sManifests.port;
import static geodns.e2e.support.K8sManifests.str;
import static geodns.e2e.support.K8sManifests.strings;
import static geodns.e2e.support.K8sManifests.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.K8sManifests;
import geodns.e2e.support.Axfr;
import geodns.e2e.support.Cli;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Rr;
import geodns.e2e.support.ServerLogOnFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
 * The zones ConfigMap: mounted as the zones folder, it passes {@code geodns check} laid out as the kubelet lays out
 * a ConfigMap volume, and the cluster's zones name the nodes of geo.yaml as their name servers.
 */
@ExtendWith(ServerLogOnFailure.class)
class KubernetesZonesTest {
    @Test
    void zonesConfigMapIsMountedAsTheZonesFolderWithoutAHash() {
        Map<String, Object> generator = generator("geodns-zones");
        assertEquals(Boolean.TRUE, map(generator, "options").get("disableNameSuffixHash"),
                "a fixed name: an update reaches the running pods (and reloads) instead of replacing them");
        Map<String, Object> container = geodnsContainer();
        String zones = flag(strings(container, "args"), "--zones");
        Map<String, Object> mount = list(container, "volumeMounts").stream().map(K8sManifests::asMap)
                .filter(m -> zones.equals(m.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError("a volume mounted at --zones " + zones));
        assertEquals(null, mount.get("subPath"), "no subPath: files mounted with subPath are never updated");
        Map<String, Object> volume = list(map(only("DaemonSet"), "spec", "template", "spec"), "volumes").stream()
                .map(K8sManifests::asMap).filter(v -> mount.get("name").equals(v.get("name"))).findFirst()
                .orElseThrow();
        List<Map<String, Object>> sources = list(volume, "projected", "sources").stream().map(K8sManifests::asMap)
                .toList();
        assertEquals("geodns-zones", str(sources.get(0), "configMap", "name"));
        assertEquals("geodns-peers", str(sources.get(1), "secret", "name"), "the peers' secret beside geo.yaml");
        assertEquals("peers.secret", str(asMap(list(sources.get(1), "secret", "items").get(0)), "path"));
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
        Map<String, String> files = configMapFiles();
        files.put("peers.secret", "3f1e6c0a9b7d2f4e6a8c0b1d3e5f7a9c3f1e6c0a9b7d2f4e6a8c0b1d3e5f7a9c");  // the Secret's
        Path volume = ConfigFiles.configMap(tmp.resolve("zones"), files);
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
        map(geo, "health").remove("share");  // its peers are the nodes' addresses: this test sends only to loopback
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        files.put("geo.yaml", new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(dump), dump)
                .dump(geo));
        return ConfigFiles.configMap(tmp.resolve("zones"), files);
    }

}
