package geodns.e2e.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Knot DNS ({@code knotd}, Debian package {@code knot}) as a secondary of one zone, on a free loopback port, with
 * its run and storage folders under a folder of the test's own: it runs as the user who starts it (root in CI
 * needs no {@code user:} setting) and never touches /var/lib/knot. Started and stopped by PID.
 */
public final class KnotSecondary implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final InetSocketAddress dns;
    private final Path log;

    private KnotSecondary(Process process, InetSocketAddress dns, Path log) {
        this.process = process;
        this.dns = dns;
        this.log = log;
    }

    /** The port the secondary will listen on, chosen before the primary is told where to send NOTIFY. */
    public static int freePort() {
        return GeodnsServer.freePort(GeodnsServer.LOOPBACK, true);
    }

    /**
     * Starts knotd as secondary for {@code zone} of the primary at {@code primary}, transfers and NOTIFYs signed
     * with the hmac-sha256 key {@code keyName}/{@code secret}.
     */
    public static KnotSecondary start(Path dir, int port, String zone, InetSocketAddress primary, String keyName,
                                      String secret) {
        Path conf = dir.resolve("knot.conf");
        Path log = dir.resolve("knotd.log");
        String loopback = GeodnsServer.LOOPBACK.getHostAddress();
        try {
            Files.createDirectories(dir.resolve("run"));
            Files.createDirectories(dir.resolve("storage"));
            Files.writeString(conf, config(dir, loopback, port, zone, primary, keyName, secret));
            Process process = new ProcessBuilder("knotd", "-c", conf.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            KnotSecondary knot = new KnotSecondary(process, new InetSocketAddress(loopback, port), log);
            knot.awaitStarted();
            return knot;
        } catch (IOException e) {
            throw new AssertionError("cannot start knotd (is the Debian package knot installed?): " + e, e);
        }
    }

    /** A knot.conf like the one in docs/configuration.md ("Zone transfer"), for loopback. */
    public static String config(Path dir, String loopback, int port, String zone, InetSocketAddress primary,
                                String keyName, String secret) {
        return """
                server:
                    rundir: "%1$s/run"
                    listen: %2$s@%3$d
                log:
                  - target: stderr
                    any: info
                database:
                    storage: "%1$s/storage"
                key:
                  - id: %4$s
                    algorithm: hmac-sha256
                    secret: %5$s
                remote:
                  - id: geodns
                    address: %6$s@%7$d
                    key: %4$s
                acl:
                  - id: notify-from-geodns
                    address: %6$s
                    key: %4$s
                    action: notify
                zone:
                  - domain: %8$s
                    storage: "%1$s/storage"
                    master: geodns
                    acl: notify-from-geodns
                """.formatted(dir, loopback, port, keyName, secret, primary.getAddress().getHostAddress(),
                primary.getPort(), zone);
    }

    private void awaitStarted() {
        Poll.until(READY_TIMEOUT, Duration.ofMillis(100), "knotd started (log: 'server started')", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("knotd exited with " + process.exitValue() + ":\n" + log());
            }
            return log();
        }, text -> text.contains("server started"));
    }

    public InetSocketAddress dns() {
        return dns;
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "cannot read " + log + ": " + e;
        }
    }

    /** SIGTERM to our knotd's PID, then SIGKILL if it lingers. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
