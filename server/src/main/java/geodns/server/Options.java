package geodns.server;

import geodns.server.answer.RateLimiter;
import geodns.server.transport.DnsServer;
import geodns.server.wire.Network;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line, checked: every mistake becomes a {@link UsageException} with a one-line reason. */
record Options(String command, Path zones, List<InetSocketAddress> dns, InetSocketAddress http, List<Path> geoip,
               int udpMax, boolean nativeUdp, DnsServer.Limits tcp, RateLimiter.Settings rrl, Path queryLog,
               double queryLogSample, long queryLogMaxBytes, int maxRecords, List<String> arguments,
               InetSocketAddress server, String instance, Path keys, Path adminState, int algorithm) {

    static final String USAGE = """
            Usage:
              geodns serve [--zones DIR] [--dns HOST:PORT[,HOST:PORT...]] [--http HOST:PORT] [--geoip FILE[,FILE]]
                           [--udp-max BYTES] [--udp-transport native|netty] [--tcp-idle SECONDS] [--tcp-max-conns N]
                           [--tcp-max-conns-per-client N] [--tcp-max-queries N] [--tcp-lifetime SECONDS]
                           [--rrl-rate N] [--rrl-slip N] [--rrl-window SECONDS] [--rrl-exempt CIDR,...|none]
                           [--query-log FILE [--query-log-sample FRACTION] [--query-log-max-size SIZE]]
                           [--max-records N] [--instance NAME] [--keys DIR] [--admin-state FILE]
              geodns selftest [the options of serve]
              geodns check [--zones DIR] [--geoip FILE[,FILE]] [--max-records N] [--keys DIR]
              geodns explain [--zones DIR] [--geoip FILE[,FILE]] [--max-records N] ADDR NAME [TYPE]
              geodns explain --server HOST:PORT ADDR NAME [TYPE]
              geodns dnssec keygen ZONE --keys DIR [--algorithm 13|15]
              geodns dnssec ds ZONE --keys DIR
              geodns --help

            Commands:
              serve    answer DNS over UDP and TCP on every --dns address; admin HTTP on --http
              selftest serve until ready, ask the first zone's SOA over UDP and TCP, exit: 0 when
                       both were answered (a smoke test; the image's class-data-sharing training run)
              check    load the zones folder, print what it holds and every error and warning,
                       exit non-zero on any error
              explain  the answer a client at ADDR gets for NAME, and why (GeoIP record, ranking)
              dnssec keygen  write a new signing key for ZONE into the keys folder; print its DS
              dnssec ds      print the DS records of ZONE's keys, for the registrar

            Options:
              --zones DIR          folder of <zone>.zone master files          (default: zones)
              --dns HOST:PORT,...  DNS listen addresses, IPv6 as [::1]:5300     (default: 127.0.0.1:5300)
              --http HOST:PORT     admin HTTP: /healthz /readyz /metrics /status /explain
                                                                             (default: 127.0.0.1:8053)
              --geoip FILE[,FILE]  MaxMind DB (City or Country) instead of the embedded one;
                                   DB-IP city lite comes as an IPv4 and an IPv6 file: give both
              --udp-max BYTES      largest UDP reply, whatever EDNS clients offer (default: 1232)
              --udp-transport native|netty
                                   native: recvmmsg/sendmmsg on a socket and thread per core (Linux
                                   x86_64, aarch64; elsewhere Netty); netty: Netty's epoll (default: native)
              --tcp-idle SECONDS   close TCP connections idle this long        (default: 10)
              --tcp-max-conns N    most TCP connections open at once           (default: 1000)
              --tcp-max-conns-per-client N
                                   most open at once from one IPv4 address or IPv6 /64 (default: 16)
              --tcp-max-queries N  close a connection after answering N queries, 0: never (default: 0)
              --tcp-lifetime SECONDS
                                   close a connection this long after it opened, 0: never (default: 120)
              --rrl-rate N         UDP responses per second per client network (/24, /56) and kind
                                   (answer, negative, error); 0 turns rate limiting off (default: 200)
              --rrl-slip N         every Nth limited response is sent truncated (TC) so real clients
                                   retry over TCP; 0 drops them all             (default: 2)
              --rrl-window SECONDS a flooding network stays limited this long after it stops (default: 15)
              --rrl-exempt CIDR,...  senders never rate limited, or none  (default: 127.0.0.0/8,::1)
              --query-log FILE     append sampled queries as JSON lines        (default: off)
              --query-log-sample F fraction of queries logged, 0.0001 to 1     (default: 1)
              --query-log-max-size SIZE
                                   past this the log is moved to FILE.1 and begun anew; bytes, or
                                   with K, M, G; 0: never. SIGHUP reopens it   (default: 100M)
              --max-records N      most records in all zone files together;
                                   about 1 KB of heap each while reloading    (default: 50000)
              --instance NAME      this instance's name, as NSID and to its peers
                                   (default: $NODE_NAME, else the host name)
              --keys DIR           folder of DNSSEC keys; a zone with a key there is signed
                                                                             (default: none)
              --admin-state FILE   keep the admin state set with POST /admin-state (drain, force) here,
                                   so it survives restarts; without it the POST is refused (default: none)
              --algorithm 13|15    dnssec keygen: 13 ECDSA P-256 SHA-256, 15 Ed25519 (default: 13)
              --server HOST:PORT   explain: ask the running server on its admin port (its --http)
                                   instead of loading the zones and DB here: its health view, and a
                                   few MB in a pod instead of a second full load

            Signals (serve): TERM stops gracefully; HUP reloads zones, geo config and GeoIP DB.
            Exit status: 0 ok, 1 bad zones or config, 2 bad command line.
            """;

    private static final java.util.Set<String> FLAGS = java.util.Set.of(
            "--zones", "--dns", "--http", "--geoip", "--udp-max", "--udp-transport", "--tcp-idle", "--tcp-max-conns",
            "--query-log", "--query-log-sample", "--query-log-max-size", "--tcp-max-conns-per-client", "--tcp-max-queries",
            "--tcp-lifetime", "--rrl-rate", "--rrl-slip", "--rrl-window", "--rrl-exempt", "--max-records", "--server",
            "--instance", "--keys", "--admin-state", "--algorithm");

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("missing command: serve or check (see --help)");
        }
        String command = args[0];
        if (!List.of("serve", "selftest", "check", "explain", "dnssec", "--help").contains(command)) {
            throw new UsageException("unknown command '" + command + "' (see --help)");
        }
        Path zones = Path.of("zones");
        List<InetSocketAddress> dns = List.of(address("127.0.0.1:5300"));
        InetSocketAddress http = address("127.0.0.1:8053");
        List<Path> geoip = List.of();
        int udpMax = 1232;
        boolean nativeUdp = true;
        DnsServer.Limits defaultTcp = DnsServer.Limits.defaults();
        int tcpIdle = defaultTcp.tcpIdleSeconds();
        int tcpMax = defaultTcp.tcpMaxConnections();
        int tcpPerClient = defaultTcp.tcpMaxConnectionsPerClient();
        int tcpQueries = defaultTcp.tcpMaxQueries();
        int tcpLifetime = defaultTcp.tcpLifetimeSeconds();
        RateLimiter.Settings defaultRrl = RateLimiter.Settings.defaults();
        int rrlRate = defaultRrl.rate();
        int rrlSlip = defaultRrl.slip();
        int rrlWindow = defaultRrl.window();
        List<Network> rrlExempt = defaultRrl.exempt();
        Path queryLog = null;
        double sample = 1;
        long queryLogMaxBytes = geodns.server.metrics.QueryLog.DEFAULT_MAX_BYTES;
        int maxRecords = geodns.server.zone.Zones.DEFAULT_MAX_RECORDS;
        List<String> arguments = new ArrayList<>();
        InetSocketAddress server = null;
        String instance = defaultInstance();
        Path keys = null;
        Path adminState = null;
        int algorithm = 13;
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return new Options("--help", zones, dns, http, geoip, udpMax, nativeUdp, defaultTcp, defaultRrl,
                        null, 1, queryLogMaxBytes, maxRecords, List.of(), null, defaultInstance(), null, null, 13);
            }
            if ((command.equals("explain") || command.equals("dnssec")) && !flag.startsWith("-")) {
                arguments.add(flag);
                continue;
            }
            if (!FLAGS.contains(flag)) {
                throw new UsageException("unknown option '" + flag + "' (see --help)");
            }
            if (i + 1 >= args.length) {
                throw new UsageException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--zones" -> zones = Path.of(value);
                case "--dns" -> dns = addresses(value);
                case "--http" -> http = address(value);
                case "--geoip" -> geoip = java.util.Arrays.stream(value.split(",")).map(Path::of).toList();
                case "--udp-max" -> udpMax = number(flag, value, 512, 65535);
                case "--udp-transport" -> nativeUdp = udpTransport(flag, value);
                case "--tcp-idle" -> tcpIdle = number(flag, value, 1, 3600);
                case "--tcp-max-conns" -> tcpMax = number(flag, value, 1, 1_000_000);
                case "--tcp-max-conns-per-client" -> tcpPerClient = number(flag, value, 1, 1_000_000);
                case "--tcp-max-queries" -> tcpQueries = number(flag, value, 0, 1_000_000);
                case "--tcp-lifetime" -> tcpLifetime = number(flag, value, 0, 86_400);
                case "--rrl-rate" -> rrlRate = number(flag, value, 0, RateLimiter.Settings.MAX_RATE);
                case "--rrl-slip" -> rrlSlip = number(flag, value, 0, RateLimiter.Settings.MAX_SLIP);
                case "--rrl-window" -> rrlWindow = number(flag, value, 1, RateLimiter.Settings.MAX_WINDOW);
                case "--rrl-exempt" -> rrlExempt = networks(flag, value);
                case "--query-log" -> queryLog = Path.of(value);
                case "--query-log-sample" -> sample = fraction(flag, value);
                case "--query-log-max-size" -> queryLogMaxBytes = size(flag, value);
                case "--max-records" -> maxRecords = number(flag, value, 1, 100_000_000);
                case "--server" -> server = address(value);
                case "--instance" -> instance = instanceName(value);
                case "--keys" -> keys = Path.of(value);
                case "--admin-state" -> adminState = Path.of(value);
                case "--algorithm" -> algorithm = algorithm(flag, value);
                default -> throw new IllegalStateException(flag);
            }
        }
        if (server != null && !command.equals("explain")) {
            throw new UsageException("--server is an option of explain");
        }
        if (command.equals("explain") && (arguments.size() < 2 || arguments.size() > 3)) {
            throw new UsageException("explain needs ADDR NAME [TYPE], e.g. explain 203.0.113.7 app.example.com A");
        }
        if (command.equals("dnssec") && (arguments.size() != 2 || !List.of("keygen", "ds").contains(arguments.get(0))
                || keys == null)) {
            throw new UsageException("dnssec needs keygen ZONE --keys DIR [--algorithm 13|15], or ds ZONE --keys DIR");
        }
        if (algorithm != 13 && !(command.equals("dnssec") && arguments.get(0).equals("keygen"))) {
            throw new UsageException("--algorithm is an option of dnssec keygen");
        }
        return new Options(command, zones, dns, http, geoip, udpMax, nativeUdp,
                new DnsServer.Limits(tcpIdle, tcpMax, tcpPerClient, tcpQueries, tcpLifetime),
                new RateLimiter.Settings(rrlRate, rrlSlip, rrlWindow, rrlExempt), queryLog, sample,
                queryLogMaxBytes, maxRecords, List.copyOf(arguments), server, instance, keys, adminState, algorithm);
    }

    /** The DaemonSet gives each pod its node's name in NODE_NAME (downward API); elsewhere the host's name. */
    static String defaultInstance() {
        String node = System.getenv("NODE_NAME");
        if (node != null && !node.isBlank()) {
            return node.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "geodns";
        }
    }

    private static String instanceName(String value) throws UsageException {
        if (value.isBlank() || value.length() > 255 || !value.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new UsageException("--instance needs 1 to 255 printable characters without spaces, not '" + value + "'");
        }
        return value;
    }

    private static int algorithm(String flag, String value) throws UsageException {
        geodns.server.dnssec.KeyAlgorithm algorithm = value.matches("[0-9]{1,3}")
                ? geodns.server.dnssec.KeyAlgorithm.of(Integer.parseInt(value)) : null;
        if (algorithm == null) {
            throw new UsageException(flag + " must be " + geodns.server.dnssec.KeyAlgorithm.supported() + ", not '"
                    + value + "'");
        }
        return algorithm.number();
    }

    private static boolean udpTransport(String flag, String value) throws UsageException {
        return switch (value) {
            case "native" -> true;
            case "netty" -> false;
            default -> throw new UsageException(flag + ": '" + value + "' is neither native nor netty");
        };
    }

    /** CIDR blocks separated by commas, or "none". */
    private static List<Network> networks(String flag, String value) throws UsageException {
        if (value.trim().equals("none")) {
            return List.of();
        }
        List<Network> result = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            try {
                result.add(Network.parse(item));
            } catch (IllegalArgumentException e) {
                throw new UsageException(flag + ": " + e.getMessage() + " (or none)");
            }
        }
        return List.copyOf(result);
    }

    private static List<InetSocketAddress> addresses(String list) throws UsageException {
        List<InetSocketAddress> result = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            result.add(address(item.trim()));
        }
        return List.copyOf(result);
    }

    /** HOST:PORT with IPv6 in brackets: 127.0.0.1:5300, [::1]:5300, 0.0.0.0:53. */
    static InetSocketAddress address(String text) throws UsageException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new UsageException("'" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new UsageException("'" + text + "': write IPv6 addresses in brackets, e.g. [::1]:5300");
        }
        int port = number("port in '" + text + "'", text.substring(colon + 1), 0, 65535);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new UsageException("'" + text + "': unknown host " + host);
        }
    }

    /** Bytes, or a number with K, M or G (powers of 1024): 100M; 0 is allowed. */
    private static long size(String what, String value) throws UsageException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,12})([KMG]?)").matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1)) << switch (m.group(2)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                default -> 0;
            };
            if (n == 0 || n >= 1024 && n <= (1L << 40)) {
                return n;
            }
        }
        throw new UsageException(what + " must be 0 or a size from 1K to 1024G (bytes, or with K, M, G), not '"
                + value + "'");
    }

    private static double fraction(String what, String value) throws UsageException {
        try {
            double f = Double.parseDouble(value);
            if (f >= 0.0001 && f <= 1) {
                return f;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException(what + " must be a fraction from 0.0001 to 1, not '" + value + "'");
    }

    private static int number(String what, String value, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException(what + " must be a number from " + min + " to " + max + ", not '" + value + "'");
    }
}
