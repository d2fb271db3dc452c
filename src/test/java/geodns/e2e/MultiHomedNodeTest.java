package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import geodns.e2e.support.Dig;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.NetNamespaces;
import geodns.e2e.support.Poll;
import geodns.e2e.support.Reply;
import geodns.e2e.support.ReplySource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node with several addresses of each family, as our users' nodes are (public, Tailscale/WireGuard, floating,
 * several IPv6), served by wildcard listeners for both families on one port ({@code --dns 0.0.0.0:P,[::]:P}):
 * each reply leaves from the address that was asked, over UDP on either transport and over TCP, and both families
 * are served. A resolver drops a UDP reply from another address than the one it asked, so without this the name
 * server is dead to it.
 *
 * <p>A server network namespace whose {@code eth0} holds 192.0.2.1/24, 192.0.2.2/24, 2001:db8::1/64 and
 * 2001:db8::2/64, and a client namespace on the same test bridge ({@link NetNamespaces}); geodns runs in the
 * server namespace twice, with the native UDP transport on port 53 and with {@code --udp-transport netty} on port
 * 5353. Nothing touches the root namespace's networking. Where namespaces cannot be made the class is skipped with
 * the reason, except under {@code CI=true}, where that fails instead.
 */
class MultiHomedNodeTest {
    static final List<String> IPV4 = List.of("192.0.2.1", "192.0.2.2");
    static final List<String> IPV6 = List.of("2001:db8::1", "2001:db8::2");
    static final List<String> ADDRESSES = Stream.concat(IPV4.stream(), IPV6.stream()).toList();

    /** The UDP transport a server runs: its port in the server namespace, the flags that pick it, its log name. */
    enum Udp {
        NATIVE(53, "recvmmsg"),
        NETTY(5353, "epoll", "--udp-transport", "netty");

        final int port;
        final String logged;
        final List<String> flags;

        Udp(int port, String logged, String... flags) {
            this.port = port;
            this.logged = logged;
            this.flags = List.of(flags);
        }
    }

    @TempDir
    static Path dir;
    private static NetNamespaces net;
    private static String serverNs;
    private static String clientNs;
    private static final Map<Udp, Process> SERVERS = new EnumMap<>(Udp.class);
    private static final Map<String, Path> LOGS = new LinkedHashMap<>();
    private static String skipReason;

    @RegisterExtension
    static final TestWatcher PRINT_LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            printLogs(context.getDisplayName() + " failed");
        }
    };

    @BeforeAll
    static void startTheNode() {
        String reason = NetNamespaces.unavailableReason();
        if (reason != null) {
            String message = "MultiHomedNodeTest needs network namespaces, and " + reason;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + " — CI=true, where a skipped test would go unnoticed, so this fails instead");
            }
            System.out.println("SKIPPED: " + message);
            skipReason = message;
            return;
        }
        NetNamespaces.Result digVersion = NetNamespaces.run(Duration.ofSeconds(10), "dig", "-v");
        assertTrue(digVersion.ok(), () -> "dig is needed (apt-get install bind9-dnsutils): " + digVersion);
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), GeoServer.GEO_YAML);
        try {
            net = NetNamespaces.create();
            serverNs = net.host("node", IPV4.stream().map(a -> a + "/24").toArray(String[]::new));
            clientNs = net.host("client", "192.0.2.100/24");
            // nodad: usable at once, no duplicate address detection to wait for.
            for (String address : IPV6) {
                ip(serverNs, "addr", "add", address + "/64", "dev", "eth0", "nodad");
            }
            ip(clientNs, "addr", "add", "2001:db8::100/64", "dev", "eth0", "nodad");
            for (Udp udp : Udp.values()) {
                Path log = dir.resolve("geodns-" + udp + ".log");
                LOGS.put("geodns " + udp, log);
                List<String> command = new ArrayList<>(List.of(GeodnsServer.javaBinary(),
                        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-jar", GeodnsServer.jar().toString(), "serve", "--zones", zones.toString(),
                        "--dns", "0.0.0.0:" + udp.port + ",[::]:" + udp.port,
                        "--http", "127.0.0.1:" + (8000 + udp.ordinal())));
                command.addAll(udp.flags);
                SERVERS.put(udp, net.spawn(serverNs, log, command));
            }
            for (Udp udp : Udp.values()) {
                awaitAnswering(udp);
            }
        } catch (RuntimeException | Error e) {
            printLogs("starting the node failed");
            throw e;
        }
    }

    @BeforeEach
    void skipWithoutNamespaces() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    }

    @AfterAll
    static void removeTheNode() {
        if (net != null) {
            net.close();
            net = null;
        }
    }

    // ------------------------------------------------------------------------------------------ tests

    @ParameterizedTest
    @EnumSource(Udp.class)
    void eachUdpReplyLeavesFromTheAddressAsked(Udp udp) {
        assertTrue(log(udp).contains("(udp: " + udp.logged + ", "), () -> "the " + udp + " transport serves UDP");
        List<String> command = new ArrayList<>(List.of(GeodnsServer.javaBinary(), "-Xmx32m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", testClasses(), ReplySource.class.getName(),
                String.valueOf(udp.port)));
        command.addAll(ADDRESSES);
        NetNamespaces.Result r = net.exec(clientNs, Duration.ofSeconds(60), command.toArray(new String[0]));
        assertTrue(r.ok(), r::toString);
        List<String> wrong = new ArrayList<>();
        for (String asked : ADDRESSES) {
            String source = r.output().lines().filter(l -> l.startsWith(asked + ReplySource.ARROW))
                    .map(l -> l.substring(asked.length() + ReplySource.ARROW.length())).findFirst().orElse("none");
            if (!source.equals(ReplySource.TIMEOUT) && !source.equals("none")
                    && same(source.substring(0, source.lastIndexOf('#')), asked)
                    && source.endsWith("#" + udp.port)) {
                continue;
            }
            wrong.add("asked " + asked + ", reply from " + source);
        }
        assertEquals(List.of(), wrong, r::toString);
    }

    @ParameterizedTest
    @EnumSource(Udp.class)
    void digGetsItsUdpAnswerFromEachAddress(Udp udp) {
        // dig, like a resolver, ignores a reply from another source than the one it asked, and times out.
        for (String asked : ADDRESSES) {
            assertAnswered(clientNs, asked, udp.port, "+notcp");
        }
    }

    @ParameterizedTest
    @EnumSource(Udp.class)
    void eachTcpReplyComesFromTheAddressAsked(Udp udp) {
        for (String asked : ADDRESSES) {
            assertAnswered(clientNs, asked, udp.port, "+tcp");
        }
    }

    @ParameterizedTest
    @EnumSource(Udp.class)
    void anAddressAddedWhileServingIsAnsweredFromItself(Udp udp) {
        // A floating IP or keepalived VIP arrives after the server started. The native transport reads each
        // query's destination, and Netty's for IPv4; Netty's IPv6 sockets learn a new address when its first query
        // reaches them, so that query's reply may come from another address and dig's retry gets the answer.
        String ipv4 = "192.0.2." + (10 + udp.ordinal());
        String ipv6 = "2001:db8::" + (10 + udp.ordinal());
        ip(serverNs, "addr", "add", ipv4 + "/24", "dev", "eth0");
        ip(serverNs, "addr", "add", ipv6 + "/64", "dev", "eth0", "nodad");
        // Then another: the kernel's own pick for an IPv6 reply is now this one, not the address asked (for IPv4
        // it is the subnet's first address, 192.0.2.1).
        ip(serverNs, "addr", "add", "2001:db8::" + (20 + udp.ordinal()) + "/64", "dev", "eth0", "nodad");
        assertAnswered(clientNs, ipv4, udp.port, "+notcp");
        if (udp == Udp.NATIVE) {
            assertAnswered(clientNs, ipv6, udp.port, "+notcp");
        } else {
            assertAnswered(clientNs, ipv6, udp.port, "+notcp", "+tries=3", "+time=1");
        }
    }

    @ParameterizedTest
    @EnumSource(Udp.class)
    void bothFamiliesAreServedOnOnePortOnLoopback(Udp udp) {
        for (String loopback : List.of("127.0.0.1", "::1")) {
            assertAnswered(serverNs, loopback, udp.port, "+notcp");
            assertAnswered(serverNs, loopback, udp.port, "+tcp");
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** dig in {@code ns} asks {@code asked} for example.com SOA and gets an authoritative answer from it. */
    private static void assertAnswered(String ns, String asked, int port, String... options) {
        NetNamespaces.Result r = dig(ns, asked, port, options);
        String transport = String.join(" ", options);
        String where = "dig " + transport + " @" + asked + " -p " + port + ":\n" + r;
        assertTrue(r.ok(), where);
        List<Reply> replies = Dig.parse(r.output());
        assertEquals(1, replies.size(), where);
        assertEquals("NOERROR", replies.get(0).rcode(), where);
        assertTrue(replies.get(0).flag("aa"), where);
        assertTrue(r.output().contains("SERVER: " + asked + "#" + port), where);
    }

    /** Options after the defaults (one try, 3 s) override them. */
    private static NetNamespaces.Result dig(String ns, String asked, int port, String... options) {
        List<String> command = new ArrayList<>(List.of("dig", "@" + asked, "-p", String.valueOf(port),
                "example.com", "SOA", "+norecurse", "+tries=1", "+time=3"));
        command.addAll(List.of(options));
        return net.exec(ns, Duration.ofSeconds(15), command.toArray(new String[0]));
    }

    /** Waits (at most 45 s: two JVMs start at once) until the server answers on 127.0.0.1 in its namespace. */
    private static void awaitAnswering(Udp udp) {
        Process p = SERVERS.get(udp);
        Poll.until(Duration.ofSeconds(45), Duration.ofMillis(200), "geodns (" + udp + ") answering", () -> {
            if (!p.isAlive()) {
                throw new AssertionError("geodns (" + udp + ") exited with " + p.exitValue() + ":\n" + log(udp));
            }
            return dig(serverNs, "127.0.0.1", udp.port, "+notcp");
        }, r -> r.ok() && r.output().contains("status: NOERROR"));
    }

    private static void ip(String ns, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        NetNamespaces.Result r = net.exec(ns, Duration.ofSeconds(10), command);
        assertTrue(r.ok(), () -> "setting up the test network failed: " + r);
    }

    private static boolean same(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));   // literals: no name lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String testClasses() {
        try {
            return Path.of(ReplySource.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static String log(Udp udp) {
        return read(LOGS.get("geodns " + udp));
    }

    private static String read(Path log) {
        try {
            return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static void printLogs(String why) {
        System.out.println("MultiHomedNodeTest: " + why + "; the logs:");
        LOGS.forEach((name, log) -> System.out.println("----- " + name + "\n" + read(log)));
    }
}
