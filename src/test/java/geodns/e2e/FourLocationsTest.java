package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import geodns.e2e.support.Dig;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.NetNamespaces;
import geodns.e2e.support.PingServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.geoip.testing.MmdbWriter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four locations, end to end, with dig: a cluster of four nodes — london, frankfurt, seattle, singapore
 * — each a network namespace of its own on a private test bridge ({@link NetNamespaces}), each running the packaged
 * geodns on its own address, port 53, and a small HTTP server on port 80 standing in for its Traefik
 * ({@link PingServer}); plus a client namespace that asks every node with {@code dig}.
 *
 * <ul>
 *   <li>Clients in Europe, North America, Asia and Oceania (ECS subnets placed by a City MMDB the test writes; the
 *       subnets are only data, no traffic goes there) get their nearest location from every node alike.</li>
 *   <li>Without ECS, the client's own source address (extra addresses of the client namespace) decides.</li>
 *   <li>London's HTTP server is killed: within the failover time every node answers london's clients with
 *       frankfurt, the rest of the world unchanged; started again: back to london within the rise time.</li>
 * </ul>
 *
 * <p>Every node's geodns probes all four HTTP servers itself ({@code http://{ip}:80/ping}, interval 1 s,
 * timeout 1 s, fall 2, rise 2), as on a real cluster. Nothing touches the root namespace's networking; every
 * namespace and process is removed afterwards, also when a test fails. Where namespaces cannot be made (not root,
 * no {@code ip}) the class is skipped with the reason — except under {@code CI=true}, where that fails instead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FourLocationsTest {

    // ------------------------------------------------------------------------------------------ health settings

    private static final int FALL = 2;
    private static final int RISE = 2;
    private static final long INTERVAL_MS = 1000;
    private static final long TIMEOUT_MS = 1000;
    private static final double JITTER = 0.2;
    /** Worst case from an endpoint dying to a node dropping it: fall probes at the longest interval + a timeout. */
    private static final long EXPECTED_FAILOVER_MS = Math.round(FALL * INTERVAL_MS * (1 + JITTER)) + TIMEOUT_MS;
    /** Worst case from an endpoint coming back to a node answering with it again. */
    private static final long EXPECTED_RECOVERY_MS = Math.round(RISE * INTERVAL_MS * (1 + JITTER)) + TIMEOUT_MS;
    /** How long the test waits for either (the expected time plus a generous margin for a loaded CI machine). */
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    // ------------------------------------------------------------------------------------------ the cluster

    /** A location with one node: its namespace's short name and its address on the test network (10.253.0.0/16). */
    record Site(String location, String host, String node, String ip, double latitude, double longitude) {
        @Override
        public String toString() {
            return location;
        }
    }

    static final Site LONDON = new Site("london", "lon", "lon-1", "10.253.0.1", 51.507, -0.128);
    static final Site FRANKFURT = new Site("frankfurt", "fra", "fra-1", "10.253.0.2", 50.110, 8.682);
    static final Site SEATTLE = new Site("seattle", "sea", "sea-1", "10.253.0.3", 47.606, -122.332);
    static final Site SINGAPORE = new Site("singapore", "sin", "sin-1", "10.253.0.4", 1.352, 103.820);
    static final List<Site> SITES = List.of(LONDON, FRANKFURT, SEATTLE, SINGAPORE);
    static final String TEST_PREFIX = "/16";

    /**
     * A client: placed by the test database through its ECS subnet, or through its source address (one of the
     * client namespace's addresses; {@code network} null for a source the database does not know). {@code nearest}
     * and {@code second} by great-circle distance (km in the comments: nearest, runner-up).
     */
    record Client(String city, String network, String source, double latitude, double longitude, String country,
                  String continent, String subdivision, Site nearest, Site second) {
        static Client ecs(String city, String subnet, double lat, double lon, String country, String continent,
                          String subdivision, Site nearest, Site second) {
            return new Client(city, subnet, null, lat, lon, country, continent, subdivision, nearest, second);
        }

        static Client source(String city, String network, String source, double lat, double lon, String country,
                             String continent, String subdivision, Site nearest, Site second) {
            return new Client(city, network, source, lat, lon, country, continent, subdivision, nearest, second);
        }

        String[] digArgs() {
            return source == null ? new String[] {"+subnet=" + network} : new String[] {"-b", source};
        }

        @Override
        public String toString() {
            return city + (source == null ? " (ECS " + network + ")" : " (from " + source + ")");
        }
    }

    // ECS subnets: documentation (RFC 5737) and benchmarking (RFC 2544) ranges; only data in the queries.
    static final List<Client> ECS_CLIENTS = List.of(
            Client.ecs("Madrid", "192.0.2.0/24", 40.42, -3.70, "ES", "EU", "MD", LONDON, FRANKFURT),         // 1263, 1445
            Client.ecs("Paris", "198.51.100.0/24", 48.857, 2.352, "FR", "EU", "IDF", LONDON, FRANKFURT),     // 343, 478
            Client.ecs("Dublin", "203.0.113.0/24", 53.35, -6.26, "IE", "EU", "L", LONDON, FRANKFURT),        // 463, 1088
            Client.ecs("Berlin", "198.18.1.0/24", 52.52, 13.40, "DE", "EU", "BE", FRANKFURT, LONDON),        // 423, 931
            Client.ecs("Warsaw", "198.18.2.0/24", 52.23, 21.01, "PL", "EU", "14", FRANKFURT, LONDON),        // 890, 1448
            Client.ecs("New York", "198.18.3.0/24", 40.71, -74.01, "US", "NA", "NY", SEATTLE, LONDON),       // 3865, 5571
            Client.ecs("Vancouver", "198.18.4.0/24", 49.28, -123.12, "CA", "NA", "BC", SEATTLE, LONDON),     // 195, 7578
            Client.ecs("Tokyo", "198.18.5.0/24", 35.69, 139.69, "JP", "AS", "13", SINGAPORE, SEATTLE),       // 5315, 7696
            Client.ecs("Mumbai", "198.18.6.0/24", 19.08, 72.88, "IN", "AS", "MH", SINGAPORE, FRANKFURT),     // 3904, 6564
            Client.ecs("Sydney", "198.18.7.0/24", -33.87, 151.21, "AU", "OC", "NSW", SINGAPORE, SEATTLE));   // 6306, 12470

    // Source addresses of the client namespace (all on its one link; the database places each /24).
    static final String CLIENT_IP = "10.253.0.100";
    static final List<Client> SOURCE_CLIENTS = List.of(
            Client.source("Madrid", "10.253.1.0/24", "10.253.1.100", 40.42, -3.70, "ES", "EU", "MD", LONDON,
                    FRANKFURT),
            Client.source("Berlin", "10.253.2.0/24", "10.253.2.100", 52.52, 13.40, "DE", "EU", "BE", FRANKFURT,
                    LONDON),
            Client.source("New York", "10.253.3.0/24", "10.253.3.100", 40.71, -74.01, "US", "NA", "NY", SEATTLE,
                    LONDON),
            Client.source("Tokyo", "10.253.4.0/24", "10.253.4.100", 35.69, 139.69, "JP", "AS", "13", SINGAPORE,
                    SEATTLE),
            // Not in the database: the name's "unknown" order, london first, then frankfurt.
            Client.source("unplaced", null, CLIENT_IP, 0, 0, null, null, null, LONDON, FRANKFURT));

    static final List<Client> ALL_CLIENTS = concat(ECS_CLIENTS, SOURCE_CLIENTS);
    static final List<Client> LONDONS_CLIENTS = ALL_CLIENTS.stream().filter(c -> c.nearest() == LONDON).toList();
    static final List<Client> OTHER_CLIENTS = ALL_CLIENTS.stream().filter(c -> c.nearest() != LONDON).toList();

    // ------------------------------------------------------------------------------------------ state

    @TempDir
    static Path dir;
    private static NetNamespaces net;
    private static String clientNs;
    private static final Map<Site, String> NAMESPACE = new LinkedHashMap<>();
    private static final Map<Site, Process> GEODNS = new LinkedHashMap<>();
    private static final Map<Site, Process> PING = new LinkedHashMap<>();
    private static final Map<String, Path> LOGS = new LinkedHashMap<>();
    private static ExecutorService digs;
    private static String skipReason;

    @RegisterExtension
    static final TestWatcher PRINT_LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            printLogs(context.getDisplayName() + " failed");
        }
    };

    // ------------------------------------------------------------------------------------------ set-up

    @BeforeAll
    static void startTheCluster() throws IOException {
        String reason = NetNamespaces.unavailableReason();
        if (reason != null) {
            String message = "FourLocationsTest needs network namespaces, and " + reason;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + " — CI=true, where a skipped test would go unnoticed, so this fails instead");
            }
            System.out.println("SKIPPED: " + message);
            skipReason = message;   // each test is then reported as skipped, with this reason
            return;
        }
        NetNamespaces.Result digVersion = NetNamespaces.run(Duration.ofSeconds(10), "dig", "-v");
        assertTrue(digVersion.ok(), () -> "dig is needed (apt-get install bind9-dnsutils): " + digVersion);
        Path jar = GeodnsServer.jar();
        long started = System.nanoTime();
        try {
            Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), geoYaml());
            Path mmdb = database().write(dir.resolve("cities.mmdb"));

            net = NetNamespaces.create();
            for (Site site : SITES) {
                NAMESPACE.put(site, net.host(site.host(), site.ip() + TEST_PREFIX));
            }
            List<String> clientAddresses = new ArrayList<>(List.of(CLIENT_IP + TEST_PREFIX));
            SOURCE_CLIENTS.stream().map(Client::source).filter(s -> !s.equals(CLIENT_IP))
                    .forEach(s -> clientAddresses.add(s + TEST_PREFIX));
            clientNs = net.host("cli", clientAddresses.toArray(new String[0]));
            digs = Executors.newFixedThreadPool(8);

            // The Traefik stand-ins first, so that no probe fails while the nodes start.
            for (Site site : SITES) {
                PING.put(site, spawnPing(site, "ping " + site));
            }
            for (Site site : SITES) {
                awaitPing(site, "ping " + site);
            }
            for (Site site : SITES) {
                Path log = dir.resolve("geodns-" + site + ".log");
                LOGS.put("geodns " + site, log);
                GEODNS.put(site, net.spawn(NAMESPACE.get(site), log, List.of(GeodnsServer.javaBinary(),
                        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-jar", jar.toString(), "serve", "--zones", zones.toString(), "--geoip", mmdb.toString(),
                        "--dns", site.ip() + ":53", "--http", "127.0.0.1:8053")));
            }
            for (Site site : SITES) {
                awaitAnswering(site);
            }
            System.out.printf("FourLocationsTest: four nodes, their HTTP servers and a client up in %d ms "
                    + "(namespaces %s)%n", millisSince(started), net.namespaces());
        } catch (RuntimeException | Error | IOException e) {
            printLogs("setting up the four locations failed");
            throw e;
        }
    }

    @BeforeEach
    void skipWithoutNamespaces() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    }

    @AfterAll
    static void removeTheCluster() {
        try {
            if (digs != null) {
                digs.shutdownNow();
            }
        } finally {
            if (net != null) {
                net.close();   // every process (geodns, HTTP servers, stray digs), then every namespace
                net = null;
            }
        }
    }

    static String geoYaml() {
        StringBuilder yaml = new StringBuilder()
                .append("health:\n")
                .append("  url: \"http://{ip}:80/ping\"\n")
                .append("  interval: ").append(INTERVAL_MS).append("ms\n")
                .append("  timeout: ").append(TIMEOUT_MS).append("ms\n")
                .append("  jitter: ").append(JITTER).append('\n')
                .append("  fall: ").append(FALL).append('\n')
                .append("  rise: ").append(RISE).append('\n')
                .append("locations:\n");
        for (Site site : SITES) {
            yaml.append("  ").append(site.location()).append(":\n")
                    .append("    coordinates: [").append(site.latitude()).append(", ").append(site.longitude())
                    .append("]\n")
                    .append("    nodes:\n")
                    .append("      ").append(site.node()).append(": { ipv4: ").append(site.ip()).append(" }\n");
        }
        yaml.append("names:\n")
                .append("  app.example.com:\n")
                .append("    ttl: 30\n")
                .append("    unknown: [")
                .append(SITES.stream().map(Site::location).collect(Collectors.joining(", ")))
                .append("]\n");
        return yaml.toString();
    }

    static MmdbWriter database() {
        MmdbWriter db = new MmdbWriter("GeoLite2-City");
        for (Client c : ALL_CLIENTS) {
            if (c.network() != null) {
                db.add(c.network(), MmdbWriter.city(c.latitude(), c.longitude(), c.country(), c.continent(),
                        c.subdivision()));
            }
        }
        return db;
    }

    private static Process spawnPing(Site site, String logName) {
        Path log = dir.resolve(logName.replace(' ', '-').replace("(", "").replace(")", "") + ".log");
        LOGS.put(logName, log);
        return net.spawn(NAMESPACE.get(site), log, List.of(GeodnsServer.javaBinary(),
                "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", testClasses(), PingServer.class.getName(), site.ip(), "80", "300"));
    }

    /** Waits (at most 20 s) until the HTTP server of {@code site} says it listens. */
    private static void awaitPing(Site site, String logName) {
        Process p = PING.get(site);
        Path log = LOGS.get(logName);
        Poll.until(Duration.ofSeconds(20), Duration.ofMillis(50), logName + " listening", () -> {
            String text = read(log);
            if (!p.isAlive()) {
                throw new AssertionError(logName + " exited with " + p.exitValue() + ":\n" + text);
            }
            return text.contains(PingServer.READY);
        }, ready -> ready);
    }

    /** Waits (at most 45 s: four JVMs start at once) until the geodns of {@code site} answers the client. */
    private static void awaitAnswering(Site site) {
        Process p = GEODNS.get(site);
        Poll.until(Duration.ofSeconds(45), Duration.ofMillis(200), "geodns in " + site + " answering", () -> {
            if (!p.isAlive()) {
                throw new AssertionError("geodns in " + site + " exited with " + p.exitValue() + ":\n"
                        + read(LOGS.get("geodns " + site)));
            }
            return answer(site, SOURCE_CLIENTS.get(SOURCE_CLIENTS.size() - 1));
        }, a -> a.matches("[0-9.]+(,[0-9.]+)*"));
    }

    private static String testClasses() {
        try {
            return Path.of(PingServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void everyNodeAnswersClientsOnEveryContinentWithTheirNearestLocation() {
        // The first answers may come while the nodes' first probes are still settling: wait for the right picture,
        // then ask everything once more and require it again.
        Poll.until(Duration.ofSeconds(20), Duration.ofMillis(250), "every node answering every client with its "
                + "nearest location", () -> wrongAnswers(ECS_CLIENTS, Client::nearest), List::isEmpty);
        assertEquals(List.of(), wrongAnswers(ECS_CLIENTS, Client::nearest));

        // The full reply, from each node: authoritative, TTL 30, ECS echoed with a scope of the database network's
        // /24 or wider (the widest prefix whose addresses all get this answer), the same from every node.
        java.util.Set<Integer> scopes = new java.util.HashSet<>();
        Client madrid = ECS_CLIENTS.get(0);
        for (Site site : SITES) {
            NetNamespaces.Result r = net.exec(clientNs, Duration.ofSeconds(10), "dig", "@" + site.ip(),
                    "app.example.com", "A", "+subnet=" + madrid.network(), "+norecurse", "+tries=1", "+time=2");
            String where = "dig from the client to " + site + ":\n" + r;
            assertTrue(r.ok(), where);
            List<Reply> replies = Dig.parse(r.output());
            assertEquals(1, replies.size(), where);
            Reply reply = replies.get(0);
            assertEquals("NOERROR", reply.rcode(), where);
            assertTrue(reply.flag("aa"), where);
            assertFalse(reply.flag("ra"), where);
            assertEquals(List.of(new Rr("app.example.com.", 30, "IN", "A", LONDON.ip())), reply.answer(), where);
            java.util.regex.Matcher scope = java.util.regex.Pattern.compile("CLIENT-SUBNET: "
                    + java.util.regex.Pattern.quote(madrid.network()) + "/(\\d+)").matcher(r.output());
            assertTrue(scope.find(), where);
            int prefix = Integer.parseInt(scope.group(1));
            assertTrue(prefix > 0 && prefix <= 24, where);
            scopes.add(prefix);
        }
        assertEquals(1, scopes.size(), () -> "every node gives the same scope: " + scopes);
    }

    @Test
    @Order(2)
    void withoutEcsTheClientsSourceAddressDecidesOnEveryNode() {
        assertEquals(List.of(), wrongAnswers(SOURCE_CLIENTS, Client::nearest));
    }

    @Test
    @Order(3)
    void londonsHttpServerDownItsClientsGoToFrankfurtOnEveryNodeAndComeBackWhenItReturns() {
        assertEquals(List.of(), wrongAnswers(ALL_CLIENTS, Client::nearest), "before london's HTTP server stops");

        NetNamespaces.kill(PING.get(LONDON));   // SIGKILL: connections to london:80 are refused from now on
        Map<Site, Long> failover = awaitEveryNode(LONDONS_CLIENTS, Client::second, "london's clients answered with "
                + "frankfurt after london's HTTP server was killed");
        System.out.printf("FourLocationsTest: london's HTTP server killed; its clients answered with frankfurt "
                + "after %s ms (expected at most fall x interval x (1 + jitter) + timeout = %d ms)%n",
                failover, EXPECTED_FAILOVER_MS);
        assertEquals(List.of(), wrongAnswers(OTHER_CLIENTS, Client::nearest), "the rest of the world, london down");
        for (Site site : SITES) {
            String log = read(LOGS.get("geodns " + site));
            assertTrue(log.contains("node " + LONDON.node() + " up -> down"),
                    () -> "the geodns log in " + site + " reports london's node down:\n" + log);
        }

        PING.put(LONDON, spawnPing(LONDON, "ping london (restarted)"));
        awaitPing(LONDON, "ping london (restarted)");
        Map<Site, Long> recovery = awaitEveryNode(LONDONS_CLIENTS, Client::nearest, "london's clients answered "
                + "with london again after its HTTP server came back");
        System.out.printf("FourLocationsTest: london's HTTP server back; its clients answered with london after "
                + "%s ms (expected at most rise x interval x (1 + jitter) + timeout = %d ms)%n",
                recovery, EXPECTED_RECOVERY_MS);
        assertEquals(List.of(), wrongAnswers(ALL_CLIENTS, Client::nearest), "every client, london back");
    }

    // ------------------------------------------------------------------------------------------ asking

    /**
     * Asks every node, for every client in {@code clients}, until every node answers each of them with
     * {@code target.apply(client)} (at most {@link #DEADLINE}); returns, per node, the milliseconds from now to
     * the first time it did. Meanwhile an answer must be the client's nearest or its target, nothing else (no
     * timeout, no empty answer), and a node that switched must not switch back.
     */
    private static Map<Site, Long> awaitEveryNode(List<Client> clients, Function<Client, Site> target, String what) {
        long start = System.nanoTime();
        long deadline = start + DEADLINE.toNanos();
        Map<Site, Long> switched = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        Map<Site, Map<Client, String>> last = Map.of();
        while (switched.size() < SITES.size() && System.nanoTime() < deadline) {
            last = askAll(clients);
            long elapsed = millisSince(start);
            for (Site site : SITES) {
                boolean all = true;
                for (Client c : clients) {
                    String a = last.get(site).get(c);
                    boolean onTarget = a.equals(target.apply(c).ip());
                    all &= onTarget;
                    if (!onTarget && !a.equals(c.nearest().ip()) && !a.equals(c.second().ip())) {
                        unexpected.add(elapsed + " ms: " + c + " via " + site + ": " + describe(a));
                    } else if (!onTarget && switched.containsKey(site)) {
                        unexpected.add(elapsed + " ms: " + c + " via " + site + " switched back: " + describe(a));
                    }
                }
                if (all && !switched.containsKey(site)) {
                    switched.put(site, elapsed);
                }
            }
            Poll.sleep(100);
        }
        if (switched.size() < SITES.size()) {
            fail("not within " + DEADLINE.toMillis() + " ms on every node: " + what + "; switched: " + switched
                    + "; last answers: " + last + (unexpected.isEmpty() ? "" : "; unexpected: " + unexpected));
        }
        assertEquals(List.of(), unexpected, what + ": answers on the way");
        return switched;
    }

    /** Every (node, client) whose answer is not {@code expected.apply(client)}'s node; empty when all are right. */
    private static List<String> wrongAnswers(List<Client> clients, Function<Client, Site> expected) {
        List<String> wrong = new ArrayList<>();
        Map<Site, Map<Client, String>> answers = askAll(clients);
        for (Site site : SITES) {
            for (Client c : clients) {
                String a = answers.get(site).get(c);
                Site want = expected.apply(c);
                if (!a.equals(want.ip())) {
                    wrong.add(c + " via " + site + ": " + describe(a) + ", expected " + want + " (" + want.ip() + ")");
                }
            }
        }
        return wrong;
    }

    /** Every node asked for every client, in parallel. */
    private static Map<Site, Map<Client, String>> askAll(List<Client> clients) {
        Map<Site, Map<Client, Future<String>>> futures = new LinkedHashMap<>();
        for (Site site : SITES) {
            Map<Client, Future<String>> row = new LinkedHashMap<>();
            for (Client c : clients) {
                row.put(c, digs.submit(() -> answer(site, c)));
            }
            futures.put(site, row);
        }
        Map<Site, Map<Client, String>> answers = new LinkedHashMap<>();
        futures.forEach((site, row) -> {
            Map<Client, String> out = new LinkedHashMap<>();
            row.forEach((c, f) -> {
                try {
                    out.put(c, f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                } catch (ExecutionException e) {
                    throw new AssertionError(e.getCause());
                }
            });
            answers.put(site, out);
        });
        return answers;
    }

    /**
     * {@code dig @NODE app.example.com A +short} from the client namespace for {@code client}: the addresses,
     * sorted and comma-separated, or what went wrong.
     */
    private static String answer(Site site, Client client) {
        List<String> command = new ArrayList<>(List.of("dig", "@" + site.ip(), "app.example.com", "A",
                "+short", "+tries=1", "+time=2"));
        command.addAll(List.of(client.digArgs()));
        NetNamespaces.Result r = net.exec(clientNs, Duration.ofSeconds(10), command.toArray(new String[0]));
        if (!r.ok()) {
            return "dig failed (exit " + r.exitCode() + "): " + r.output().trim().replace('\n', ' ');
        }
        return r.output().lines().map(String::trim).filter(l -> !l.isEmpty()).sorted()
                .collect(Collectors.joining(","));
    }

    private static String describe(String answer) {
        for (Site site : SITES) {
            if (answer.equals(site.ip())) {
                return site + " (" + answer + ")";
            }
        }
        return answer.isEmpty() ? "(no address)" : answer;
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void printLogs(String why) {
        for (Map.Entry<String, Path> e : LOGS.entrySet()) {
            String[] lines = read(e.getValue()).split("\n", -1);
            int from = Math.max(0, lines.length - 80);
            StringBuilder out = new StringBuilder("----- " + e.getKey() + " log (" + why + ")\n");
            for (int l = from; l < lines.length; l++) {
                out.append(lines[l]).append('\n');
            }
            System.err.print(out.append("----- end of ").append(e.getKey()).append(" log\n"));
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
