package geodns.e2e.support;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged server ({@code -Dgeodns.jar}) running as a process on free loopback ports. {@link #start} waits
 * (at most 20 s) until {@code GET /readyz} says 200; {@link #close} sends SIGTERM and waits for the exit.
 * Output (stdout and stderr) goes to a log file that {@link ServerLogOnFailure} prints when a test fails.
 */
public final class GeodnsServer implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final List<GeodnsServer> STARTED = new CopyOnWriteArrayList<>();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Process process;
    private final InetSocketAddress dns;
    private final InetSocketAddress http;
    private final List<InetSocketAddress> allDns;
    private final Path log;
    private final String description;
    private Integer exitCode;

    private GeodnsServer(Process process, InetSocketAddress dns, List<InetSocketAddress> allDns,
                         InetSocketAddress http, Path log, String description) {
        this.process = process;
        this.dns = dns;
        this.allDns = allDns;
        this.http = http;
        this.log = log;
        this.description = description;
    }

    /** The jar under test: system property geodns.jar. */
    public static Path jar() {
        String property = System.getProperty("geodns.jar");
        if (property == null) {
            throw new AssertionError("system property geodns.jar (the packaged server) is not set");
        }
        Path jar = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the server jar " + jar + " does not exist: build the server module first");
        }
        return jar;
    }

    /** The repository root: system property geodns.root. */
    public static Path root() {
        return Path.of(System.getProperty("geodns.root", "../..")).toAbsolutePath().normalize();
    }

    /** The example zones shipped in the repository. */
    public static Path exampleZones() {
        return root().resolve("zones");
    }

    /** {@code java} of the JVM running the tests. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts the server on the example zones with default flags. */
    public static GeodnsServer start() {
        return start(exampleZones());
    }

    /** Starts the server on {@code zones} with {@code extraArgs} after the address flags. */
    public static GeodnsServer start(Path zones, String... extraArgs) {
        return start(zones, (InetAddress) null, extraArgs);
    }

    /**
     * Starts the server; with {@code second} (::1 or an IPv4 loopback address) the --dns list has a second
     * address on that host and another port (see {@link #dnsAddresses()}). Retries with other ports if the first
     * ones turn out to be taken.
     */
    public static GeodnsServer start(Path zones, InetAddress second, String... extraArgs) {
        return start(List.of(), zones, second, extraArgs);
    }

    /** As {@link #start(Path, String...)}, with {@code jvmFlags} before {@code -jar} (e.g. the image's heap). */
    public static GeodnsServer startWithJvmFlags(List<String> jvmFlags, Path zones, String... extraArgs) {
        return start(jvmFlags, zones, null, extraArgs);
    }

    private static GeodnsServer start(List<String> jvmFlags, Path zones, InetAddress second, String... extraArgs) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOnce(jvmFlags, zones, second, extraArgs);
            } catch (PortsTaken e) {
                last = e;
            }
        }
        throw last;
    }

    private static final class PortsTaken extends AssertionError {
        PortsTaken(String message) {
            super(message);
        }
    }

    private static GeodnsServer startOnce(List<String> jvmFlags, Path zones, InetAddress second,
                                          String... extraArgs) {
        int dnsPort = freePort(LOOPBACK, true);
        int httpPort = freePort(LOOPBACK, false);
        List<InetSocketAddress> dnsAddresses = new ArrayList<>();
        dnsAddresses.add(new InetSocketAddress(LOOPBACK, dnsPort));
        String dnsFlag = LOOPBACK.getHostAddress() + ":" + dnsPort;
        if (second != null) {
            int secondPort = freePort(second, true);
            dnsAddresses.add(new InetSocketAddress(second, secondPort));
            String host = second instanceof java.net.Inet6Address ? "[::1]" : second.getHostAddress();
            dnsFlag += "," + host + ":" + secondPort;
        }
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar().toString(), "serve",
                "--zones", zones.toString(), "--dns", dnsFlag, "--http", LOOPBACK.getHostAddress() + ":" + httpPort));
        command.addAll(Arrays.asList(extraArgs));
        Path log;
        Process process;
        try {
            log = Files.createTempFile("geodns-server-", ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command + ": " + e, e);
        }
        GeodnsServer server = new GeodnsServer(process, dnsAddresses.get(0), List.copyOf(dnsAddresses),
                new InetSocketAddress(LOOPBACK, httpPort), log, String.join(" ", command));
        STARTED.add(server);
        server.awaitReady();
        return server;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        int lastStatus = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                exitCode = process.exitValue();
                String output = log();
                String message = "server exited with " + exitCode + " before it was ready: " + description
                        + "\n" + output;
                if (output.toLowerCase(java.util.Locale.ROOT).contains("address already in use")
                        || output.contains("BindException")) {
                    throw new PortsTaken(message);
                }
                throw new AssertionError(message);
            }
            lastStatus = httpStatus("/readyz");
            if (lastStatus == 200) {
                return;
            }
            sleep(100);
        }
        close();
        throw new AssertionError("server not ready (GET /readyz: " + lastStatus + ") within " + READY_TIMEOUT
                + ": " + description + "\n" + log());
    }

    /** GET {@code path} on the admin HTTP address; -1 when nothing answers. */
    public int httpStatus(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://" + http.getAddress().getHostAddress() + ":" + http.getPort() + path))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The first --dns address (127.0.0.1:PORT), for UDP and TCP. */
    public InetSocketAddress dns() {
        return dns;
    }

    /** Every --dns address, in the order given on the command line. */
    public List<InetSocketAddress> dnsAddresses() {
        return allDns;
    }

    public InetSocketAddress http() {
        return http;
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the server printed so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public String description() {
        return description;
    }

    /** Sends SIGTERM and waits (at most 15 s, then SIGKILL); returns the exit code. */
    public synchronized int stop() {
        if (exitCode != null) {
            return exitCode;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                exitCode = -9;
                return exitCode;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        exitCode = process.isAlive() ? -9 : process.exitValue();
        return exitCode;
    }

    @Override
    public void close() {
        stop();
    }

    /** Exit code after {@link #stop()}, or null while it runs. */
    public Integer exitCode() {
        return exitCode;
    }

    @Override
    public String toString() {
        return description;
    }

    // ------------------------------------------------------------------------------------------------ ports

    /**
     * A port on {@code address} that is free for TCP (and for UDP too when {@code udpAlso}). Chosen below the
     * Linux ephemeral range (32768-60999), so that client sockets opened meanwhile cannot grab it.
     */
    public static int freePort(InetAddress address, boolean udpAlso) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(address, port));
                if (udpAlso) {
                    try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port))) {
                        return port;
                    } catch (SocketException e) {
                        continue;
                    }
                }
                return port;
            } catch (IOException e) {
                // taken; try another
            }
        }
        throw new AssertionError("no free port on " + address);
    }

    /** ::1, or null when this host cannot bind it. */
    public static InetAddress ipv6LoopbackOrNull() {
        try {
            InetAddress v6 = InetAddress.getByName("::1");
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(v6, 0));
                 ServerSocket tcp = new ServerSocket(0, 1, v6)) {
                return v6;
            }
        } catch (IOException e) {
            return null;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
