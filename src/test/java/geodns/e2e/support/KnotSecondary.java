package geodns.e2e.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Knot DNS ({@code knotd}, Debian package {@code knot}) as a secondary of one zone, on a free loopback port, with
 * its run and storage folders under a folder of the test's own: it runs as the user who starts it (root in CI
 * needs no {@code user:} setting) and never touches /var/lib/knot. Started and stopped by PID.
 */
public final class KnotSecondary implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final LoggedProcess program;
    private final InetSocketAddress dns;

    private KnotSecondary(LoggedProcess program, InetSocketAddress dns) {
        this.program = program;
        this.dns = dns;
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
            return new KnotSecondary(LoggedProcess.start(log, READY_TIMEOUT, "server started", "knotd", "-c",
                    conf.toString()), new InetSocketAddress(loopback, port));
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

    public InetSocketAddress dns() {
        return dns;
    }

    public String log() {
        return program.log();
    }

    /** Stops our process by its PID (see {@link LoggedProcess#close}). */
    @Override
    public void close() {
        program.close();
    }
}
