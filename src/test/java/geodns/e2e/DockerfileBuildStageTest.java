package geodns.e2e;

import static geodns.e2e.support.RepoFiles.modules;
import static geodns.e2e.support.RepoFiles.read;
import static geodns.e2e.support.RepoFiles.shellWords;
import static geodns.e2e.support.RepoFiles.stripSlash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Commands;
import geodns.e2e.support.Dockerfile;
import geodns.e2e.support.Dockerfile.Stage;
import geodns.e2e.support.GeodnsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile's build stage, checked without a Docker engine: Maven builds the server from every pom and the
 * sources it copies, the native UDP library for both architectures; opt-in, its mvn run for real.
 */
class DockerfileBuildStageTest {
    static final Path ROOT = GeodnsServer.root();
    static final Dockerfile DOCKERFILE = Dockerfile.REPOSITORY;

    @Test
    void buildStageRunsMavenOnEveryPomAndTheServersSources() {
        assertEquals(2, DOCKERFILE.stages().size(), "two stages, build and runtime: " + DOCKERFILE.stages());
        Stage build = DOCKERFILE.stages().get(0);
        assertEquals("build", build.name(), "the first stage is named build: " + build.from());
        assertTrue(build.image().startsWith("maven:3.9-eclipse-temurin-17"), "a Maven 3.9 + JDK 17 image: " + build);
        assertEquals("$BUILDPLATFORM", build.platform(),
                "the jar is platform-independent: built once on the builder's platform, not under emulation");

        String mvn = build.all("RUN").stream().filter(r -> r.contains("mvn ")).findFirst()
                .orElseThrow(() -> new AssertionError("no RUN mvn in the build stage"));
        for (String part : List.of("-B", "-q", "package", "-DskipTests", "-pl server", "-am")) {
            assertTrue(mvn.contains(part), "mvn runs with " + part + ": " + mvn);
        }

        // The root pom lists every module: each module's pom must be in the image for Maven to read the reactor.
        List<String> copied = build.copySources();
        List<String> poms = new ArrayList<>(List.of("pom.xml"));
        modules(ROOT.resolve("pom.xml")).forEach(m -> poms.add(m + "/pom.xml"));
        for (String pom : poms) {
            assertTrue(copied.contains(pom), "the build stage copies " + pom + " (a module of the root pom): " + copied);
        }
        // Sources of the server and of every module it depends on (the reactor's -am).
        for (String module : List.of("server", "geoip")) {
            assertTrue(copied.contains(module + "/src"), "the build stage copies " + module + "/src: " + copied);
        }
        assertTrue(ROOT.resolve("server/pom.xml").toFile().isFile());
        String serverPom = read(ROOT.resolve("server/pom.xml"));
        assertTrue(serverPom.contains("<artifactId>geodns-geoip</artifactId>"),
                "server depends on geoip (and on no other module whose sources the image lacks)");
        int lastPom = -1;
        int firstSource = Integer.MAX_VALUE;
        for (int i = 0; i < copied.size(); i++) {
            if (copied.get(i).endsWith("pom.xml")) {
                lastPom = i;
            } else {
                firstSource = Math.min(firstSource, i);
            }
        }
        assertTrue(lastPom < firstSource, "poms are copied before sources: " + copied);
    }

    /**
     * The jar is built once for every platform, so the build stage must make the native UDP library for both:
     * its mvn requires x86_64 and aarch64 (build.sh fails rather than leave one out and let that platform fall
     * back to Netty), and before it gcc, the C library headers and, chosen by the builder's architecture, the
     * cross compiler for the other one (ARCH-linux-gnu-gcc, the name build.sh looks for) are installed.
     */
    @Test
    void buildStageBuildsTheNativeUdpLibraryForBothArchitectures() {
        Stage build = DOCKERFILE.stages().get(0);
        List<String> runs = build.all("RUN");
        int mvnAt = 0;
        while (mvnAt < runs.size() && !runs.get(mvnAt).contains("mvn ")) {
            mvnAt++;
        }
        assertTrue(mvnAt < runs.size(), "no RUN mvn in the build stage: " + runs);
        List<String> mvn = shellWords(runs.get(mvnAt));
        List<String> required = mvn.stream().filter(w -> w.startsWith("-Dnative.required="))
                .flatMap(w -> Arrays.stream(w.substring("-Dnative.required=".length()).trim().split("\\s+")))
                .sorted().toList();
        assertEquals(List.of("aarch64", "x86_64"), required, "mvn requires both native libraries: " + mvn);

        String serverPom = read(ROOT.resolve("server/pom.xml"));
        assertTrue(serverPom.contains("src/main/c/build.sh") && serverPom.contains("${native.required}"),
                "server/pom.xml hands native.required to build.sh");
        String buildSh = read(ROOT.resolve("server/src/main/c/build.sh"));
        assertTrue(buildSh.contains("for arch in x86_64 aarch64") && buildSh.contains("compiler=$arch-linux-gnu-gcc"),
                "build.sh builds x86_64 and aarch64 with ARCH-linux-gnu-gcc:\n" + buildSh);

        String install = String.join("\n", runs.subList(0, mvnAt));
        List<String> words = shellWords(install);
        assertTrue(install.contains("apt-get install") && words.contains("--no-install-recommends"),
                "compilers installed before mvn, without recommends:\n" + install);
        assertTrue(install.contains("rm -rf /var/lib/apt/lists/*"), "apt lists removed:\n" + install);
        assertTrue(install.contains("dpkg --print-architecture"), "the cross compiler follows the builder:\n" + install);
        for (String pkg : List.of("gcc", "libc6-dev")) {
            assertTrue(words.contains(pkg), pkg + " for the builder's own architecture:\n" + install);
        }
        // Debian/Ubuntu name a cross gcc gcc-TRIPLET (with - for _) and the libc headers (only recommended)
        // libc6-dev-DEBARCH-cross.
        Map<String, String> debianArch = Map.of("x86_64", "amd64", "aarch64", "arm64");
        for (String arch : required) {
            String gcc = "gcc-" + arch.replace('_', '-') + "-linux-gnu";
            String libc = "libc6-dev-" + debianArch.get(arch) + "-cross";
            assertTrue(install.contains(gcc) && install.contains(libc),
                    gcc + " and " + libc + " build " + arch + " on the other architecture's builder:\n" + install);
        }
    }

    // ------------------------------------------------------------------------ opt-in: the build stage itself

    /**
     * Opt-in ({@code -Dgeodns.dockerfile.build=true}, about a minute): copies what the build stage copies into an
     * empty folder and runs its mvn command there (offline, with this machine's Maven repository), then checks the
     * jar appears where the runtime stage takes it from and runs.
     */
    @Test
    @Timeout(600)
    void buildStageBuildsTheJarFromWhatItCopies(@TempDir Path context) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("geodns.dockerfile.build"),
                "opt-in: -Dgeodns.dockerfile.build=true runs the build stage's mvn in a copy of its COPY sources");
        Stage build = DOCKERFILE.stages().get(0);
        for (String[] copy : build.copies()) {
            // COPY SRC... DEST (relative to WORKDIR): a file lands in DEST/ (or is DEST), a folder's contents in DEST.
            String dest = copy[copy.length - 1];
            for (int i = 0; i < copy.length - 1; i++) {
                Path source = ROOT.resolve(stripSlash(copy[i]));
                Path target = context.resolve(stripSlash(dest).isEmpty() || dest.equals("./") ? "." : stripSlash(dest))
                        .normalize();
                if (Files.isRegularFile(source) && (dest.endsWith("/") || copy.length > 2)) {
                    target = target.resolve(source.getFileName());
                }
                Commands.copyTree(source, target);
            }
        }
        String mvn = build.all("RUN").stream().filter(r -> r.contains("mvn ")).findFirst().orElseThrow();
        List<String> command = new ArrayList<>(shellWords(mvn.substring(mvn.indexOf("mvn "))));
        command.add(1, "-o");
        String out = Commands.runIn(context, 540, command.toArray(String[]::new));
        Path jar = context.resolve("server/target/geodns.jar");
        assertTrue(Files.isRegularFile(jar), "the build stage made server/target/geodns.jar\n" + out);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String arch : List.of("x86_64", "aarch64")) {
                String library = "native/linux-" + arch + "/libgeodns-udp.so";
                assertTrue(zip.getEntry(library) != null, "the jar carries " + library + "\n" + out);
            }
        }
        String help = Commands.runIn(context, 60, GeodnsServer.javaBinary(), "-jar", jar.toString(), "--help");
        assertTrue(help.contains("geodns serve"), help);
    }
}
