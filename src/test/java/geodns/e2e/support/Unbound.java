package geodns.e2e.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Unbound (Debian's {@code unbound}) as a validating resolver on a free loopback port, in the foreground, with its
 * config, pid file and log in a folder of the test's own. It knows one trust anchor (the zone's DS) and one
 * authority: a stub zone on geodns. It never queries beyond loopback: there are no root hints it could use
 * (a stub zone needs none), and no root trust anchor, so names outside the zone are not resolved at all.
 * With {@code clientSubnet}, the subnetcache module passes a client's EDNS Client Subnet on to geodns.
 * Started and stopped by PID.
 */
public final class Unbound implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private final LoggedProcess program;
    private final InetSocketAddress dns;

    private Unbound(LoggedProcess program, InetSocketAddress dns) {
        this.program = program;
        this.dns = dns;
    }

    /**
     * @param zone         the stub zone, e.g. example.com.
     * @param authority    where geodns answers for it
     * @param trustAnchors DS (or DNSKEY) records in presentation format, each the zone's trust anchor
     * @param clientSubnet pass clients' ECS on to geodns (module subnetcache)
     */
    public static Unbound start(Path dir, String zone, InetSocketAddress authority, List<String> trustAnchors,
                                boolean clientSubnet) {
        Programs.require("unbound", "unbound");
        String loopback = GeodnsServer.LOOPBACK.getHostAddress();
        int port = GeodnsServer.freePort(GeodnsServer.LOOPBACK, true);
        Path conf = dir.resolve("unbound.conf");
        Path log = dir.resolve("unbound.log");
        StringBuilder anchors = new StringBuilder();
        trustAnchors.forEach(a -> anchors.append("    trust-anchor: \"").append(a.replaceAll("\\s+", " ").strip())
                .append("\"\n"));
        String authorityAddress = authority.getAddress().getHostAddress() + "@" + authority.getPort();
        try {
            Files.createDirectories(dir);
            Files.writeString(conf, """
                    server:
                        interface: %1$s@%2$d
                        port: %2$d
                        do-daemonize: no
                        use-syslog: no
                        logfile: ""
                        chroot: ""
                        username: ""
                        directory: "%3$s"
                        pidfile: "%3$s/unbound.pid"
                        num-threads: 1
                        so-reuseport: no
                        do-ip6: no
                        access-control: 127.0.0.0/8 allow
                        do-not-query-localhost: no
                        module-config: "%4$svalidator iterator"
                        val-log-level: 2
                        verbosity: 1
                        qname-minimisation: no
                        harden-referral-path: no
                        prefetch: no
                        serve-expired: no
                        minimal-responses: no
                        aggressive-nsec: no
                    %5$s%6$s
                    remote-control:
                        control-enable: no
                    stub-zone:
                        name: "%7$s"
                        stub-addr: %8$s
                    """.formatted(loopback, port, dir, clientSubnet ? "subnetcache " : "", anchors,
                    clientSubnet ? """
                                send-client-subnet: %s
                                client-subnet-always-forward: yes
                                max-client-subnet-ipv4: 24
                            """.formatted(authority.getAddress().getHostAddress()) : "",
                    zone, authorityAddress));
            return new Unbound(LoggedProcess.start(log, READY_TIMEOUT, "start of service", "unbound", "-d", "-c",
                    conf.toString()), new InetSocketAddress(loopback, port));
        } catch (IOException e) {
            throw new AssertionError("cannot start unbound: " + e, e);
        }
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
