package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Commands;
import geodns.e2e.support.Dockerfile;
import geodns.e2e.support.Dockerfile.Instruction;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.RepoFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The image's java command, for real on this machine's JDK: the ENTRYPOINT's JVM flags (the argfile
 * server/jvm.args) and CMD's serve arguments are accepted by the real jar, and the training run leaves the class
 * archive the ENTRYPOINT starts with.
 */
class DockerfileEntrypointTest {
    static final Path ROOT = GeodnsServer.root();
    static final Dockerfile IMAGE = Dockerfile.REPOSITORY;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    @Timeout(90)
    void entrypointFlagsAndCmdArgumentsAreAcceptedByTheRealJar() throws Exception {
        List<String> entrypoint = IMAGE.entrypoint();
        List<String> cmd = IMAGE.cmd();
        assertEquals(List.of("serve", "--zones", "/zones", "--dns", "0.0.0.0:53,[::]:53", "--http", "0.0.0.0:8053"),
                cmd);
        List<String> jvmFlags = IMAGE.entrypointJvmFlags();
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
        entrypoint.subList(1, entrypoint.indexOf("-jar")).forEach(o -> command.add(IMAGE.onThisMachine(o)));
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

            System.out.println("[DockerfileEntrypointTest] " + String.join(" ", jvmFlags) + ": " + residentMemory(process)
                    + " (no container limit here: the heap follows this machine's memory)");

            process.destroy();   // SIGTERM, as Kubernetes and docker stop send
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the server stops within 20 s of SIGTERM");
            assertEquals(0, process.exitValue(), () -> "exit status after SIGTERM\n" + RepoFiles.read(log));
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

     */
    @Test
    void everyMethodTheEntrypointKeepsOutOfLineExistsInTheJar() throws Exception {
        String prefix = "-XX:CompileCommand=dontinline,";
        List<String> named = IMAGE.entrypointJvmFlags().stream().filter(f -> f.startsWith(prefix))
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
     * One file holds the image's JVM flags: the training run and the ENTRYPOINT name the same {@code @argfile},
     * which the runtime stage copies from the build context before the training run reads it.
     */
    @Test
    void theTrainingRunAndTheEntrypointTakeTheirJvmFlagsFromOneArgfile() {
        List<String> entrypoint = IMAGE.entrypoint();
        List<String> argFiles = entrypoint.subList(1, entrypoint.indexOf("-jar")).stream()
                .filter(o -> o.startsWith("@")).toList();
        assertEquals(List.of("@/opt/geodns/jvm.args"), argFiles, "the ENTRYPOINT reads one argfile: " + entrypoint);
        assertEquals(ROOT.resolve("server/jvm.args"), IMAGE.contextFileCopiedTo("/opt/geodns/jvm.args"),
                "the runtime stage copies server/jvm.args there");
        assertTrue(IMAGE.entrypointJvmFlags().contains("-XX:+UseSerialGC"), "the argfile's flags: "
                + IMAGE.entrypointJvmFlags());

        List<Instruction> runtime = IMAGE.runtime().instructions();
        int copy = -1;
        int training = -1;
        for (int i = 0; i < runtime.size(); i++) {
            Instruction instruction = runtime.get(i);
            if (instruction.keyword().equals("COPY") && instruction.text().endsWith(" /opt/geodns/jvm.args")) {
                copy = i;
            } else if (instruction.keyword().equals("RUN") && instruction.text().contains("ArchiveClassesAtExit")) {
                training = i;
            }
        }
        assertTrue(copy >= 0 && copy < training, "the argfile is copied before the training run: " + runtime);
        assertTrue(runtime.get(training).text().startsWith("java @/opt/geodns/jvm.args "), runtime.get(training)
                .text());
    }

    /**
     * The runtime stage's training run, for real: with the ENTRYPOINT's flags it runs {@code geodns selftest} and
     * leaves the class archive; the ENTRYPOINT's java then starts with it under {@code -Xshare:on}, which refuses
     * to start rather than run without an archive it cannot map.
     */
    @Test
    @Timeout(120)
    void theTrainingRunWritesTheClassArchiveTheEntrypointStartsWith(@TempDir Path tmp) throws Exception {
        List<String> entrypoint = IMAGE.entrypoint();
        List<String> flags = entrypoint.subList(1, entrypoint.indexOf("-jar"));
        String archiveFlag = flags.stream().filter(f -> f.startsWith("-XX:SharedArchiveFile=")).findFirst()
                .orElseThrow(() -> new AssertionError("the ENTRYPOINT maps a class archive: " + flags));
        String archive = archiveFlag.substring(archiveFlag.indexOf('=') + 1);
        String training = IMAGE.runtime().all("RUN").stream().filter(r -> r.contains("ArchiveClassesAtExit"))
                .findFirst().orElseThrow(() -> new AssertionError("a RUN of the runtime stage writes the archive"));
        List<String> words = RepoFiles.shellWords(training.substring(0, training.indexOf("&&")));
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
        trainingFlags.forEach(f -> train.add(IMAGE.onThisMachine(f).replace(archive, made.toString())));
        train.addAll(List.of("-jar", GeodnsServer.jar().toString()));
        selftest.forEach(a -> train.add(substitute.getOrDefault(a, a)));
        String trained = Commands.run(100, train.toArray(String[]::new));
        assertTrue(trained.contains("udp ") && trained.contains("tcp ") && !trained.contains("FAILED"), trained);
        assertTrue(Files.size(made) > 0, "the archive was written");

        List<String> start = new ArrayList<>(List.of(GeodnsServer.javaBinary(), "-Xshare:on"));
        flags.forEach(f -> start.add(IMAGE.onThisMachine(f).replace(archive, made.toString())));
        start.addAll(train.subList(train.indexOf("-jar"), train.size()));
        String started = Commands.run(100, start.toArray(String[]::new));
        assertFalse(started.contains("FAILED"), started);
    }

    // ------------------------------------------------------------------ the capability recipe (root only)


    private static void awaitReady(Process process, int httpPort, Path log, List<String> command) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + " before /readyz said 200: "
                        + String.join(" ", command) + "\n" + RepoFiles.read(log));
            }
            if (status(httpPort, "/readyz") == 200) {
                return;
            }
            Poll.sleep(100);
        }
        throw new AssertionError("not ready within 30 s: " + String.join(" ", command) + "\n" + RepoFiles.read(log));
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
}
