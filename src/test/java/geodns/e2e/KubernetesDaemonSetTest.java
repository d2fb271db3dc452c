package geodns.e2e;

import static geodns.e2e.support.K8sManifests.MAX_MEMORY_LIMIT;
import static geodns.e2e.support.K8sManifests.at;
import static geodns.e2e.support.K8sManifests.bytes;
import static geodns.e2e.support.K8sManifests.flag;
import static geodns.e2e.support.K8sManifests.geodnsContainer;
import static geodns.e2e.support.K8sManifests.kustomization;
import static geodns.e2e.support.K8sManifests.list;
import static geodns.e2e.support.K8sManifests.map;
import static geodns.e2e.support.K8sManifests.named;
import static geodns.e2e.support.K8sManifests.num;
import static geodns.e2e.support.K8sManifests.only;
import static geodns.e2e.support.K8sManifests.port;
import static geodns.e2e.support.K8sManifests.resources;
import static geodns.e2e.support.K8sManifests.str;
import static geodns.e2e.support.K8sManifests.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Dockerfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DaemonSet on every node with the host's network, DNS on 53 UDP+TCP, probes on the admin port of
 * {@code --http}, the image's ENTRYPOINT with its CMD as args, non-root with NET_BIND_SERVICE alone, a read-only
 * root, limits that fit a 1 GB Raspberry Pi, control-plane nodes included, one node at a time on updates.
 */
class KubernetesDaemonSetTest {

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

    /** Shared health's peers: template leaves out the node whose name is the pod's instance, its own node. */
    @Test
    void eachPodIsTheInstanceNamedAfterItsNode() {
        Map<String, Object> container = geodnsContainer();
        assertFalse(strings(container, "args").contains("--instance"), "the instance name comes from NODE_NAME");
        assertTrue(list(container, "env").stream().anyMatch(e -> "NODE_NAME".equals(str(e, "name"))
                        && "spec.nodeName".equals(str(e, "valueFrom", "fieldRef", "fieldPath"))),
                "NODE_NAME from spec.nodeName: " + container.get("env"));
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

}
