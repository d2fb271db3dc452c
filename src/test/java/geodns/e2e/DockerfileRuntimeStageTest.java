package geodns.e2e;

import static geodns.e2e.support.RepoFiles.buildDirectory;
import static geodns.e2e.support.RepoFiles.shadeOutputFile;
import static geodns.e2e.support.RepoFiles.stripSlash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.DockerIgnore;
import geodns.e2e.support.Dockerfile;
import geodns.e2e.support.Dockerfile.Stage;
import geodns.e2e.support.GeodnsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile's runtime stage, checked without a Docker engine: it copies the jar the Maven build makes, its
 * base images are multi-arch, it runs as non-root with the one capability port 53 needs, and the build context
 * holds what it copies.
 */
class DockerfileRuntimeStageTest {
    static final Path ROOT = GeodnsServer.root();
    static final Dockerfile DOCKERFILE = Dockerfile.REPOSITORY;

    @Test
    void runtimeStageCopiesTheJarTheMavenBuildMakes() {
        // server/pom.xml: maven-shade writes ${project.build.directory}/geodns.jar, i.e. server/target/geodns.jar.
        String outputFile = shadeOutputFile(ROOT.resolve("server/pom.xml"));
        assertEquals("${project.build.directory}/geodns.jar", outputFile, "maven-shade's outputFile");
        assertEquals("", buildDirectory(ROOT.resolve("server/pom.xml")),
                "server/pom.xml keeps Maven's default build directory (target)");
        String builtJar = "server/" + outputFile.replace("${project.build.directory}", "target");

        Stage build = DOCKERFILE.stages().get(0);
        Stage runtime = DOCKERFILE.runtime();
        List<String[]> fromBuild = runtime.copies().stream().filter(c -> c[0].equals("--from=build")).toList();
        assertEquals(1, fromBuild.size(), "one COPY --from=build: " + runtime);
        String[] copy = fromBuild.get(0);
        assertEquals(build.workdir() + "/" + builtJar, copy[1], "the runtime copies the jar the build made");
        assertEquals("/opt/geodns/geodns.jar", copy[2]);
        assertTrue(Files.isRegularFile(ROOT.resolve(builtJar)),
                "the reactor built " + builtJar + " before this module, as it will in the image");
        assertEquals(ROOT.resolve(builtJar).toAbsolutePath().normalize(), GeodnsServer.jar(),
                "the jar the end-to-end tests run is the jar the image gets");

        List<String> entrypoint = DOCKERFILE.entrypoint();
        int jar = entrypoint.indexOf("-jar");
        assertTrue(jar > 0, "ENTRYPOINT runs java -jar: " + entrypoint);
        assertEquals("/opt/geodns/geodns.jar", entrypoint.get(jar + 1), "ENTRYPOINT runs the copied jar");
        assertEquals(jar + 2, entrypoint.size(), "arguments come from CMD (or the DaemonSet's args), not ENTRYPOINT");

        List<String[]> zones = runtime.copies().stream().filter(c -> c[0].startsWith("zones")).toList();
        assertEquals(1, zones.size(), "the example zones are copied: " + runtime);
        String zonesDest = zones.get(0)[zones.get(0).length - 1];
        assertTrue(zonesDest.equals("/zones") || zonesDest.equals("/zones/"), "zones/ lands in /zones: " + zonesDest);
    }

    @Test
    void baseImagesExistForAmd64AndArm64() {
        Stage runtime = DOCKERFILE.runtime();
        assertTrue(runtime.image().matches("eclipse-temurin:17(\\.[0-9._+]+)?-jre(-(jammy|noble))?"),
                "the runtime is an Ubuntu-based eclipse-temurin 17 JRE tag (published for amd64, arm64, armv7, "
                        + "ppc64le, s390x; the Alpine tags are not multi-arch): " + runtime.image());
        assertEquals(null, runtime.platform(), "the runtime stage is not pinned to one platform");
        for (Stage stage : DOCKERFILE.stages()) {
            assertFalse(stage.image().endsWith(":latest") || !stage.image().contains(":"),
                    "base images carry an explicit tag: " + stage.image());
        }
    }

    @Test
    void runsAsNonRootWithTheCapabilityPort53Needs() {
        Stage runtime = DOCKERFILE.runtime();
        List<String> users = runtime.all("USER");
        assertFalse(users.isEmpty(), "the runtime stage sets USER");
        String user = users.get(users.size() - 1);
        assertTrue(user.matches("[0-9]+(:[0-9]+)?"), "USER is numeric, so Kubernetes can check runAsNonRoot: " + user);
        assertNotEquals("0", user.split(":")[0], "USER is not root");
        assertEquals("10001", user.split(":")[0], "the uid the DaemonSet runs as");

        String run = String.join("\n", runtime.all("RUN"));
        assertTrue(run.contains("setcap cap_net_bind_service=+ep \"$JAVA_HOME/bin/java\""),
                "java carries cap_net_bind_service (Kubernetes gives non-root processes no ambient capability):\n"
                        + run);
        assertTrue(run.contains("libjli.so") && run.contains("ldconfig"),
                "libjli.so is in the loader cache (secure-execution mode ignores java's $ORIGIN run path):\n" + run);
        assertTrue(run.contains("--uid 10001"), "a user 10001 exists in the image:\n" + run);

        assertEquals(List.of("53/udp", "53/tcp", "8053"), runtime.all("EXPOSE").stream()
                .flatMap(e -> Arrays.stream(e.split("\\s+"))).toList());
        assertEquals("java", DOCKERFILE.entrypoint().get(0), "ENTRYPOINT runs java (the file with the capability)");
    }

    @Test
    void dockerignoreSendsWhatTheDockerfileCopiesAndNoBuildOutput() throws IOException {
        DockerIgnore ignore = DockerIgnore.parse(ROOT.resolve(".dockerignore"));
        List<String> sources = new ArrayList<>();
        for (Stage stage : DOCKERFILE.stages()) {
            for (String[] copy : stage.copies()) {
                if (!copy[0].startsWith("--from=")) {
                    sources.addAll(Arrays.asList(copy).subList(copy[0].startsWith("--") ? 1 : 0, copy.length - 1));
                }
            }
        }
        for (String source : sources) {
            Path path = ROOT.resolve(stripSlash(source));
            assertTrue(Files.exists(path), "COPY source exists: " + source);
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String relative = ROOT.relativize(file).toString();
                    if (relative.contains("/target/")) {
                        continue;   // build output below a source folder is not wanted in the context
                    }
                    assertFalse(ignore.excludes(relative), ".dockerignore keeps " + relative + " (COPY " + source + ")");
                }
            }
        }
        for (String unwanted : List.of("server/target/geodns.jar", "geoip/target/classes/x.class", ".git/HEAD",
                "k8s/daemonset.yaml", "bench/health.py",
                "src/test/java/geodns/e2e/DockerfileRuntimeStageTest.java")) {
            assertTrue(ignore.excludes(unwanted), ".dockerignore leaves out " + unwanted);
        }
    }
}
