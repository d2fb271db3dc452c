package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Cli;
import geodns.e2e.support.GeodnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Dockerfile, checked without a Docker engine: it builds and copies the jar the Maven build makes, its base
 * images are multi-arch, it runs as non-root with the one capability port 53 needs, and its ENTRYPOINT (JVM
 * flags) and CMD (serve arguments) are accepted by the real jar. With root (CI), the capability recipe itself is
 * tried: a java carrying cap_net_bind_service, run as user 10001 with only that capability in its bounding set
 * (what the DaemonSet gives it), binds port 53 in a private network namespace.
 */
class DockerfileTest {
    static final Path ROOT = GeodnsServer.root();
    static final Dockerfile DOCKERFILE = Dockerfile.parse(ROOT.resolve("Dockerfile"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    // -------------------------------------------------------------------------------------------- build stage

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
                "k8s/daemonset.yaml", "bench/health.py", "src/test/java/geodns/e2e/DockerfileTest.java")) {
            assertTrue(ignore.excludes(unwanted), ".dockerignore leaves out " + unwanted);
        }
    }

    // ------------------------------------------------------------------------------ ENTRYPOINT + CMD, for real

    @Test
    @Timeout(90)
    void entrypointFlagsAndCmdArgumentsAreAcceptedByTheRealJar() throws Exception {
        List<String> entrypoint = DOCKERFILE.entrypoint();
        List<String> cmd = DOCKERFILE.cmd();
        assertEquals(List.of("serve", "--zones", "/zones", "--dns", "0.0.0.0:53,[::]:53", "--http", "0.0.0.0:8053"),
                cmd);
        List<String> jvmFlags = entrypoint.subList(1, entrypoint.indexOf("-jar"));
        assertTrue(jvmFlags.stream().anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage=")),
                "the heap follows the container's memory limit: " + jvmFlags);
        assertTrue(jvmFlags.stream().anyMatch(f -> f.startsWith("-XX:MaxMetaspaceSize=")), "metaspace is bounded");

        // The same flags and arguments, with what a test can use: loopback, free ports, the repository's zones.
        int dnsPort = GeodnsServer.freePort(GeodnsServer.LOOPBACK, true);
        int httpPort = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
        Map<String, String> substitute = Map.of(
                "/zones", GeodnsServer.exampleZones().toString(),
                "0.0.0.0:53,[::]:53", "127.0.0.1:" + dnsPort + ",[::1]:" + dnsPort,
                "0.0.0.0:8053", "127.0.0.1:" + httpPort);
        List<String> command = new ArrayList<>();
        command.add(GeodnsServer.javaBinary());
        command.addAll(jvmFlags);
        command.add("-jar");
        command.add(GeodnsServer.jar().toString());
        cmd.forEach(a -> command.add(substitute.getOrDefault(a, a)));

        Path log = Files.createTempFile("geodns-dockerfile-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitReady(process, httpPort, log, command);
            assertEquals(200, status(httpPort, "/healthz"));

            Message reply = ask(new InetSocketAddress(GeodnsServer.LOOPBACK, dnsPort), "www.example.com.");
            assertEquals(Rcode.NOERROR, reply.getRcode(), reply::toString);
            List<String> addresses = reply.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                    .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
            assertEquals(List.of("192.0.2.80"), addresses, reply::toString);

            System.out.println("[DockerfileTest] " + String.join(" ", jvmFlags) + ": " + residentMemory(process)
                    + " (no container limit here: the heap follows this machine's memory)");

            process.destroy();   // SIGTERM, as Kubernetes and docker stop send
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the server stops within 20 s of SIGTERM");
            assertEquals(0, process.exitValue(), () -> "exit status after SIGTERM\n" + read(log));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        }
    }

    /**
     * A CompileCommand names its method by text, and the JVM does not check that it exists: a method renamed in the
     * code would quietly lose the flag, and the answer path's compiles their bound on memory.
     */
    @Test
    void everyMethodTheEntrypointKeepsOutOfLineExistsInTheJar() throws Exception {
        String prefix = "-XX:CompileCommand=dontinline,";
        List<String> named = DOCKERFILE.entrypoint().stream().filter(f -> f.startsWith(prefix))
                .map(f -> f.substring(prefix.length())).toList();
        assertFalse(named.isEmpty(), "the ENTRYPOINT keeps the GeoIP cache miss out of line");
        try (URLClassLoader jar = new URLClassLoader(new URL[] {GeodnsServer.jar().toUri().toURL()}, null)) {
            for (String method : named) {
                int separator = method.indexOf("::");
                Class<?> owner = Class.forName(method.substring(0, separator), false, jar);
                String name = method.substring(separator + 2);
                assertTrue(Arrays.stream(owner.getDeclaredMethods()).anyMatch(m -> m.getName().equals(name)),
                        method + " is a method of the jar");
            }
        }
    }

    /**
     * The runtime stage's training run, for real: with the ENTRYPOINT's flags it runs {@code geodns selftest} and
     * leaves the class archive; the ENTRYPOINT's java then starts with it under {@code -Xshare:on}, which refuses
     * to start rather than run without an archive it cannot map.
     */
    @Test
    @Timeout(120)
    void theTrainingRunWritesTheClassArchiveTheEntrypointStartsWith(@TempDir Path tmp) throws Exception {
        List<String> entrypoint = DOCKERFILE.entrypoint();
        List<String> flags = entrypoint.subList(1, entrypoint.indexOf("-jar"));
        String archiveFlag = flags.stream().filter(f -> f.startsWith("-XX:SharedArchiveFile=")).findFirst()
                .orElseThrow(() -> new AssertionError("the ENTRYPOINT maps a class archive: " + flags));
        String archive = archiveFlag.substring(archiveFlag.indexOf('=') + 1);
        String training = DOCKERFILE.runtime().all("RUN").stream().filter(r -> r.contains("ArchiveClassesAtExit"))
                .findFirst().orElseThrow(() -> new AssertionError("a RUN of the runtime stage writes the archive"));
        List<String> words = shellWords(training.substring(0, training.indexOf("&&")));
        List<String> trainingFlags = words.subList(1, words.indexOf("-jar"));
        assertTrue(trainingFlags.contains("-XX:ArchiveClassesAtExit=" + archive), training);
        assertEquals(flags.stream().filter(f -> !f.equals(archiveFlag)).toList(), trainingFlags.stream()
                .filter(f -> !f.startsWith("-XX:ArchiveClassesAtExit=") && !f.startsWith("-Xlog:")).toList(),
                "the training run's JVM flags are the ENTRYPOINT's");
        List<String> selftest = words.subList(words.indexOf("-jar") + 2, words.size());
        assertEquals("selftest", selftest.get(0), training);

        Path made = tmp.resolve("geodns.jsa");
        Map<String, String> substitute = Map.of(
                "/zones", GeodnsServer.exampleZones().toString(),
                "127.0.0.1:5300", "127.0.0.1:" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, true),
                "127.0.0.1:8053", "127.0.0.1:" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, false));
        List<String> train = new ArrayList<>(List.of(GeodnsServer.javaBinary()));
        trainingFlags.forEach(f -> train.add(f.replace(archive, made.toString())));
        train.addAll(List.of("-jar", GeodnsServer.jar().toString()));
        selftest.forEach(a -> train.add(substitute.getOrDefault(a, a)));
        String trained = run(100, train.toArray(String[]::new));
        assertTrue(trained.contains("udp ") && trained.contains("tcp ") && !trained.contains("FAILED"), trained);
        assertTrue(Files.size(made) > 0, "the archive was written");

        List<String> start = new ArrayList<>(List.of(GeodnsServer.javaBinary(), "-Xshare:on"));
        flags.forEach(f -> start.add(f.replace(archive, made.toString())));
        start.addAll(train.subList(train.indexOf("-jar"), train.size()));
        String started = run(100, start.toArray(String[]::new));
        assertFalse(started.contains("FAILED"), started);
    }

    // ------------------------------------------------------------------ the capability recipe (root only)

    /**
     * What the image and the DaemonSet do for port 53, tried on this machine's JDK: a copy of the java launcher
     * with cap_net_bind_service, libjli.so found through a loader cache (bind-mounted in a private mount
     * namespace), run as 10001 with nothing but NET_BIND_SERVICE in the bounding set, in a private network
     * namespace. It binds 0.0.0.0:53 and answers; with no_new_privs (allowPrivilegeEscalation: false) the file
     * capability is ignored and the bind is refused, which is why the DaemonSet allows escalation.
     */
    @Test
    @Timeout(120)
    void theImagesCapabilityRecipeLetsUser10001BindPort53(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root (CI runs as root) to set file capabilities and create namespaces");
        for (String tool : List.of("setcap", "setpriv", "unshare", "ldconfig", "mount", "ip", "dig")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed");
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));

        // A java whose home is this JDK: the launcher copied (it carries the capability), the rest linked.
        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        Path home = Files.createDirectories(tmp.resolve("jre"));
        try (Stream<Path> entries = Files.list(javaHome)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("bin")) {
                    Files.createSymbolicLink(home.resolve(entry.getFileName()), entry);
                }
            }
        }
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.copy(javaHome.resolve("bin/java"), java, StandardCopyOption.COPY_ATTRIBUTES);
        // The loader cache: the system's libraries plus libjli.so, as the image's ldconfig makes it.
        Path jli = Files.createDirectories(tmp.resolve("jli"));
        Files.createSymbolicLink(jli.resolve("libjli.so"), javaHome.resolve("lib/libjli.so"));
        Path ldConf = tmp.resolve("ld.so.conf");
        Files.writeString(ldConf, "include /etc/ld.so.conf.d/*.conf\n" + jli + "\n");
        Path ldCache = tmp.resolve("ld.so.cache");
        run(30, "ldconfig", "-C", ldCache.toString(), "-f", ldConf.toString());
        Path jar = Files.copy(GeodnsServer.jar(), tmp.resolve("geodns.jar"));
        Path zones = Files.createDirectories(tmp.resolve("zones"));
        Files.copy(GeodnsServer.exampleZones().resolve("example.com.zone"), zones.resolve("example.com.zone"));
        Files.copy(GeodnsServer.exampleZones().resolve("geo.yaml"), zones.resolve("geo.yaml"));
        Path javaTmp = Files.createDirectories(tmp.resolve("tmp"));
        Files.setPosixFilePermissions(javaTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (Path p : List.of(jar, zones.resolve("example.com.zone"), zones.resolve("geo.yaml"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        for (Path p : List.of(home, home.resolve("bin"), jli, zones)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        String withoutCapability = inNamespaces(tmp, java, ldCache, jar, zones, javaTmp, "");
        assertTrue(withoutCapability.contains("Permission denied"),
                "without a file capability user 10001 cannot bind port 53 (so the recipe is needed):\n"
                        + withoutCapability);

        run(30, "setcap", "cap_net_bind_service=+ep", java.toString());
        String allowed = inNamespaces(tmp, java, ldCache, jar, zones, javaTmp, "");
        assertTrue(allowed.contains("ANSWER 192.0.2.80"), "user 10001 serves port 53:\n" + allowed);
        assertTrue(allowed.contains("EXIT 0"), "and stops with 0 on SIGTERM:\n" + allowed);

        String noNewPrivileges = inNamespaces(tmp, java, ldCache, jar, zones, javaTmp, "--no-new-privs");
        assertTrue(noNewPrivileges.contains("Permission denied"),
                "with no_new_privs (allowPrivilegeEscalation: false) the file capability is ignored:\n"
                        + noNewPrivileges);
    }

    /** Runs java as 10001 in fresh network and mount namespaces; the output has ANSWER and EXIT lines. */
    private static String inNamespaces(Path tmp, Path java, Path ldCache, Path jar, Path zones, Path javaTmp,
                                       String setprivExtra) throws Exception {
        List<String> entrypoint = DOCKERFILE.entrypoint();
        String flags = String.join(" ", entrypoint.subList(1, entrypoint.indexOf("-jar")));
        Path script = tmp.resolve("run.sh");
        Path log = tmp.resolve("server.log");
        Files.writeString(script, String.join("\n",
                "set -u",
                "mount --bind " + ldCache + " /etc/ld.so.cache",
                "ip link set lo up",
                "setpriv --reuid 10001 --regid 10001 --clear-groups --bounding-set -all,+net_bind_service"
                        + " --inh-caps -all " + setprivExtra + " env -i PATH=/usr/bin:/bin HOME=/tmp "
                        + java + " " + flags + " -Djava.io.tmpdir=" + javaTmp + " -jar " + jar
                        + " serve --zones " + zones + " --dns 0.0.0.0:53 --http 127.0.0.1:8053 > " + log + " 2>&1 &",
                "pid=$!",
                "for i in $(seq 1 100); do",
                "  kill -0 $pid 2>/dev/null || break",
                "  a=$(dig @127.0.0.1 -p 53 www.example.com A +short +time=1 +tries=1 2>/dev/null"
                        + " | grep -E '^[0-9.]+$')",
                "  if [ -n \"$a\" ]; then echo \"ANSWER $a\"; break; fi",
                "  sleep 0.2",
                "done",
                "kill -TERM $pid 2>/dev/null",
                "wait $pid; echo \"EXIT $?\"",
                "cat " + log,
                ""));
        return run(60, "unshare", "--net", "--mount", "sh", script.toString());
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
                copyTree(source, target);
            }
        }
        String mvn = build.all("RUN").stream().filter(r -> r.contains("mvn ")).findFirst().orElseThrow();
        List<String> command = new ArrayList<>(shellWords(mvn.substring(mvn.indexOf("mvn "))));
        command.add(1, "-o");
        String out = runIn(context, 540, command.toArray(String[]::new));
        Path jar = context.resolve("server/target/geodns.jar");
        assertTrue(Files.isRegularFile(jar), "the build stage made server/target/geodns.jar\n" + out);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String arch : List.of("x86_64", "aarch64")) {
                String library = "native/linux-" + arch + "/libgeodns-udp.so";
                assertTrue(zip.getEntry(library) != null, "the jar carries " + library + "\n" + out);
            }
        }
        String help = runIn(context, 60, GeodnsServer.javaBinary(), "-jar", jar.toString(), "--help");
        assertTrue(help.contains("geodns serve"), help);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void awaitReady(Process process, int httpPort, Path log, List<String> command) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + " before /readyz said 200: "
                        + String.join(" ", command) + "\n" + read(log));
            }
            if (status(httpPort, "/readyz") == 200) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("not ready within 30 s: " + String.join(" ", command) + "\n" + read(log));
    }

    static int status(int port, String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static Message ask(InetSocketAddress server, String name) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, 1)));
    }

    private static String residentMemory(Process process) {
        try {
            return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM")).map(l -> l.replaceAll("\\s+", " "))
                    .collect(Collectors.joining(", "));
        } catch (IOException e) {
            return "(no /proc: " + e.getMessage() + ")";
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(long timeoutSeconds, String... command) throws Exception {
        return runIn(null, timeoutSeconds, command);
    }

    private static String runIn(Path dir, long timeoutSeconds, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Map<String, String> env = builder.environment();
        env.put("PATH", env.getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin");
        Path out = Files.createTempFile("geodns-cmd-", ".out");
        try {
            Process process = builder.redirectOutput(out.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + timeoutSeconds + " s: " + String.join(" ", command)
                        + "\n" + read(out));
            }
            String text = read(out);
            if (process.exitValue() != 0 && !command[0].equals("unshare")) {
                throw new AssertionError("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n"
                        + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (file.toString().contains("/target/")) {
                    continue;
                }
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static List<String> modules(Path pom) {
        Document doc = xml(pom);
        NodeList modules = doc.getElementsByTagName("module");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            out.add(modules.item(i).getTextContent().trim());
        }
        if (out.isEmpty()) {
            throw new AssertionError("no <module> in " + pom);
        }
        return out;
    }

    /** The outputFile of the maven-shade-plugin in {@code pom}. */
    static String shadeOutputFile(Path pom) {
        NodeList plugins = xml(pom).getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (childText(plugin, "artifactId").equals("maven-shade-plugin")) {
                NodeList outputs = plugin.getElementsByTagName("outputFile");
                if (outputs.getLength() == 1) {
                    return outputs.item(0).getTextContent().trim();
                }
            }
        }
        throw new AssertionError("no maven-shade-plugin with one outputFile in " + pom);
    }

    /** project/build/directory of {@code pom}, or "" when it keeps Maven's default (target). */
    static String buildDirectory(Path pom) {
        Element project = xml(pom).getDocumentElement();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("build")) {
                return childText(e, "directory");
            }
        }
        return "";
    }

    private static String childText(Element element, String name) {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return "";
    }

    private static Document xml(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot parse " + file + ": " + e, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} split into words as sh does for plain and quoted words (no expansions). */
    static List<String> shellWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new AssertionError("unterminated quote in " + text);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static String stripSlash(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------ a small Dockerfile reader

    /** One instruction: keyword (upper case) and its text, continuation lines joined. */
    record Instruction(String keyword, String text) {
        @Override
        public String toString() {
            return keyword + " " + text;
        }
    }

    /** One stage: its FROM and the instructions up to the next FROM. */
    record Stage(String from, List<Instruction> instructions) {
        private static final Pattern FROM = Pattern.compile("(--platform=(\\S+)\\s+)?(\\S+)(\\s+AS\\s+(\\S+))?",
                Pattern.CASE_INSENSITIVE);

        private Matcher matcher() {
            Matcher m = FROM.matcher(from.trim());
            if (!m.matches()) {
                throw new AssertionError("cannot read FROM " + from);
            }
            return m;
        }

        String image() {
            return matcher().group(3);
        }

        String platform() {
            return matcher().group(2);
        }

        String name() {
            return matcher().group(5);
        }

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::text).toList();
        }

        String workdir() {
            List<String> dirs = all("WORKDIR");
            return dirs.isEmpty() ? "" : dirs.get(dirs.size() - 1);
        }

        /** Every COPY as its words (flags such as --from=build first). */
        List<String[]> copies() {
            return all("COPY").stream().map(c -> c.trim().split("\\s+")).toList();
        }

        /** The context paths of every plain COPY (no --from), in order. */
        List<String> copySources() {
            List<String> out = new ArrayList<>();
            for (String[] copy : copies()) {
                if (!copy[0].startsWith("--")) {
                    for (int i = 0; i < copy.length - 1; i++) {
                        out.add(copy[i].endsWith("/") ? copy[i].substring(0, copy[i].length() - 1) : copy[i]);
                    }
                }
            }
            return out;
        }
    }

    record Dockerfile(List<Stage> stages) {
        static Dockerfile parse(Path file) {
            List<String> logical = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : read(file).split("\n", -1)) {
                String trimmed = line.strip();
                if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                    continue;
                }
                if (!current.isEmpty() && trimmed.startsWith("#")) {
                    continue;   // a comment inside a continued instruction
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                current.append(trimmed);
                logical.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) {
                throw new AssertionError("Dockerfile ends inside a continued line: " + current);
            }
            List<Stage> stages = new ArrayList<>();
            String from = null;
            List<Instruction> instructions = new ArrayList<>();
            for (String line : logical) {
                String[] parts = line.split("\\s+", 2);
                String keyword = parts[0].toUpperCase(java.util.Locale.ROOT);
                String text = parts.length > 1 ? parts[1] : "";
                if (keyword.equals("FROM")) {
                    if (from != null) {
                        stages.add(new Stage(from, List.copyOf(instructions)));
                    }
                    from = text;
                    instructions.clear();
                } else if (from == null) {
                    if (!keyword.equals("ARG")) {
                        throw new AssertionError("instruction before the first FROM: " + line);
                    }
                } else {
                    instructions.add(new Instruction(keyword, text));
                }
            }
            if (from == null) {
                throw new AssertionError("no FROM in " + file);
            }
            stages.add(new Stage(from, List.copyOf(instructions)));
            return new Dockerfile(List.copyOf(stages));
        }

        Stage runtime() {
            return stages.get(stages.size() - 1);
        }

        /** The final stage's ENTRYPOINT, which must be in exec (JSON array) form. */
        List<String> entrypoint() {
            return execForm("ENTRYPOINT");
        }

        List<String> cmd() {
            return execForm("CMD");
        }

        private List<String> execForm(String keyword) {
            List<String> all = runtime().all(keyword);
            if (all.size() != 1) {
                throw new AssertionError("one " + keyword + " in the runtime stage, not " + all.size());
            }
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(all.get(0));
            if (!(parsed instanceof List<?> list) || list.stream().anyMatch(o -> !(o instanceof String))) {
                throw new AssertionError(keyword + " in exec form, a JSON array of strings: " + all.get(0));
            }
            return list.stream().map(String.class::cast).toList();
        }
    }

    /** .dockerignore rules: the last pattern that matches a path or one of its parents decides; ! keeps. */
    record DockerIgnore(List<Map.Entry<PathMatcher, Boolean>> rules) {
        static DockerIgnore parse(Path file) {
            List<Map.Entry<PathMatcher, Boolean>> rules = new ArrayList<>();
            for (String line : read(file).split("\n")) {
                String p = line.strip();
                if (p.isEmpty() || p.startsWith("#")) {
                    continue;
                }
                boolean keep = p.startsWith("!");
                p = stripSlash(keep ? p.substring(1) : p);
                Map<String, Boolean> variants = new LinkedHashMap<>();
                variants.put(p, keep);
                if (p.startsWith("**/")) {
                    variants.put(p.substring(3), keep);   // ** also matches no folder at all
                }
                for (String v : variants.keySet()) {
                    rules.add(Map.entry(FileSystems.getDefault().getPathMatcher("glob:" + v), keep));
                }
            }
            return new DockerIgnore(rules);
        }

        boolean excludes(String relative) {
            boolean excluded = false;
            for (Map.Entry<PathMatcher, Boolean> rule : rules) {
                Path path = Path.of(relative);
                boolean matches = false;
                for (Path p = path; p != null; p = p.getParent()) {
                    if (rule.getKey().matches(p)) {
                        matches = true;
                        break;
                    }
                }
                if (matches) {
                    excluded = !rule.getValue();
                }
            }
            return excluded;
        }
    }
}
