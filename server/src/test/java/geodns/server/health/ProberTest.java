package geodns.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prober against real HTTP servers, each on its own loopback address (127.0.3.x), probed every 100 ms with
 * fall 2 and rise 2 (and a 200 ms timeout where slowness is tested). Waits poll for the expected state with a deadline rather than sleeping.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProberTest {
    static final Duration INTERVAL = Duration.ofMillis(100);
    /** Generous, so a loaded CI machine does not turn a healthy endpoint into a timeout. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** For the tests of slow endpoints, which sleep well past it. */
    static final Duration SHORT_TIMEOUT = Duration.ofMillis(200);
    static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    /** A health endpoint: counts requests, remembers their Host and path, answers what the test says. */
    final class Endpoint implements AutoCloseable {
        final InetAddress address;
        int port;
        private HttpServer server;
        private final ExecutorService executor = Executors.newCachedThreadPool();
        final AtomicInteger requests = new AtomicInteger();
        final List<String> hosts = new CopyOnWriteArrayList<>();
        final List<String> paths = new CopyOnWriteArrayList<>();
        /** The status for the n-th request (from 1). */
        volatile IntUnaryOperator status = n -> 200;
        volatile long delayMillis;

        Endpoint() throws IOException {
            address = InetAddress.getByName("127.0.3." + NEXT_ADDRESS.getAndIncrement());
            start();
            cleanup.add(this);
        }

        void start() throws IOException {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
            server.createContext("/", exchange -> {
                int n = requests.incrementAndGet();
                hosts.add(exchange.getRequestHeaders().getFirst("Host"));
                paths.add(exchange.getRequestURI().toString());
                try {
                    if (delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                    int code = status.applyAsInt(n);
                    if (code / 100 == 3) {
                        exchange.getResponseHeaders().add("Location", "/elsewhere");
                    }
                    exchange.sendResponseHeaders(code, -1);
                } catch (InterruptedException | IOException e) {
                    // the prober gave up on us, or the test is over
                } finally {
                    exchange.close();
                }
            });
            server.setExecutor(executor);
            server.start();
            port = server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
        }

        URI url(String path) {
            return URI.create("http://" + address.getHostAddress() + ":" + port + path);
        }

        ProbeTarget target(String node) {
            return new ProbeTarget(node, url("/ping"), null, 200, 399, TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** Counts calls of the change callback and keeps the views it was given. */
    static class Changes implements java.util.function.Consumer<HealthView> {
        final List<HealthView> views = new CopyOnWriteArrayList<>();

        @Override
        public void accept(HealthView view) {
            views.add(view);
        }

        int count() {
            return views.size();
        }
    }

    /** The one place a prober is built, so a change of its constructor touches one line. */
    static Prober newProber(List<ProbeTarget> targets, HealthView previous,
                            java.util.function.Consumer<HealthView> onChange) {
        return new Prober(targets, previous, new geodns.server.metrics.Metrics(), onChange);
    }

    private Prober start(List<ProbeTarget> targets, Changes changes) {
        Prober prober = newProber(targets, HealthView.allUp(), changes);
        cleanup.add(0, prober);   // closed before the servers
        prober.start();
        return prober;
    }

    private Prober start(ProbeTarget target, Changes changes) {
        return start(List.of(target), changes);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    static boolean isUp(Prober prober, String node) {
        return prober.view().nodes().get(node).up();
    }

    static ProbeTarget with(ProbeTarget t, int expectFrom, int expectTo, boolean initiallyUp) {
        return new ProbeTarget(t.node(), t.url(), t.host(), expectFrom, expectTo, t.timeout(), t.interval(),
                t.jitter(), t.fall(), t.rise(), initiallyUp, t.insecure());
    }

    static ProbeTarget withTimeout(ProbeTarget t, Duration timeout) {
        return new ProbeTarget(t.node(), t.url(), t.host(), t.expectFrom(), t.expectTo(), timeout, t.interval(),
                t.jitter(), t.fall(), t.rise(), t.initiallyUp(), t.insecure());
    }

    static ProbeTarget withHost(ProbeTarget t, String host) {
        return new ProbeTarget(t.node(), t.url(), host, t.expectFrom(), t.expectTo(), t.timeout(), t.interval(),
                t.jitter(), t.fall(), t.rise(), t.initiallyUp(), t.insecure());
    }

    // ---- going down ----

    @Test
    void stoppedServerGoesDown() throws Exception {
        Endpoint endpoint = new Endpoint();
        Changes changes = new Changes();
        Prober prober = start(endpoint.target("lon-1"), changes);
        await("probed twice", () -> endpoint.requests.get() >= 2);
        assertTrue(isUp(prober, "lon-1"));

        endpoint.stop();
        await("down", () -> !isUp(prober, "lon-1"));
        assertEquals("connection refused", prober.view().nodes().get("lon-1").lastResult());
    }

    @Test
    void nodeWithNothingListeningGoesDown() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.3.250"))) {
            port = free.getLocalPort();
        }
        ProbeTarget target = new ProbeTarget("ghost", URI.create("http://127.0.3.250:" + port + "/ping"), null, 200,
                399, TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        Prober prober = start(target, new Changes());
        await("down", () -> !isUp(prober, "ghost"));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 503, 404})
    void serverAnsweringAnErrorStatusIsDown(int status) throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> status;
        Prober prober = start(endpoint.target("lon-1"), new Changes());
        await("down", () -> !isUp(prober, "lon-1"));
        assertEquals("HTTP " + status, prober.view().nodes().get("lon-1").lastResult());
    }

    @Test
    void slowServerIsDown() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.delayMillis = 1_000;   // five times the timeout
        Prober prober = start(withTimeout(endpoint.target("lon-1"), SHORT_TIMEOUT), new Changes());
        await("down", () -> !isUp(prober, "lon-1"));
        NodeHealth health = prober.view().nodes().get("lon-1");
        assertEquals("timeout", health.lastResult());
        assertTrue(health.lastLatencyMillis() < 1_000, "cut at the timeout, not when the server answered: "
                + health.lastLatencyMillis());
    }

    @Test
    void serverSlowerThanUsualButWithinTheTimeoutStaysUp() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.delayMillis = 50;
        Changes changes = new Changes();
        Prober prober = start(withTimeout(endpoint.target("lon-1"), SHORT_TIMEOUT), changes);
        await("probed five times", () -> endpoint.requests.get() >= 5);
        assertTrue(isUp(prober, "lon-1"));
        assertEquals(0, changes.count());
    }

    @Test
    void serverThatDoesNotSpeakHttpIsDown() throws Exception {
        InetAddress address = InetAddress.getByName("127.0.3.251");
        try (ServerSocket garbage = new ServerSocket(0, 16, address)) {
            Thread talker = new Thread(() -> {
                while (!garbage.isClosed()) {
                    try (Socket s = garbage.accept(); OutputStream out = s.getOutputStream()) {
                        out.write("hello there\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            talker.setDaemon(true);
            talker.start();
            ProbeTarget target = new ProbeTarget("chatty", URI.create("http://127.0.3.251:" + garbage.getLocalPort()
                    + "/ping"), null, 200, 399, TIMEOUT, INTERVAL, 0, 2, 2, true, false);
            Prober prober = start(target, new Changes());
            await("down", () -> !isUp(prober, "chatty"));
            prober.close();
        }
    }

    // ---- coming up ----

    @Test
    void restartedServerComesBackUpAfterRiseSuccesses() throws Exception {
        Endpoint endpoint = new Endpoint();
        AtomicInteger requestsAtLastChange = new AtomicInteger(-1);
        Changes changes = new Changes() {
            @Override
            public void accept(HealthView view) {
                requestsAtLastChange.set(endpoint.requests.get());
                super.accept(view);
            }
        };
        Prober prober = start(endpoint.target("lon-1"), changes);
        endpoint.stop();
        await("down", () -> !isUp(prober, "lon-1"));

        endpoint.requests.set(0);
        endpoint.start();
        await("up again", () -> isUp(prober, "lon-1"));
        await("told: down, then up", () -> changes.count() == 2);   // the view is published before the call
        assertEquals(2, requestsAtLastChange.get(), "up after exactly rise (2) successes");
    }

    @Test
    void nodeInitiallyDownComesUpAfterRiseSuccesses() throws Exception {
        Endpoint endpoint = new Endpoint();
        AtomicInteger requestsAtChange = new AtomicInteger(-1);
        Changes changes = new Changes() {
            @Override
            public void accept(HealthView view) {
                requestsAtChange.compareAndSet(-1, endpoint.requests.get());
                super.accept(view);
            }
        };
        Prober prober = start(with(endpoint.target("lon-1"), 200, 399, false), changes);
        assertFalse(isUp(prober, "lon-1"), "initial: down");
        await("up", () -> isUp(prober, "lon-1"));
        await("told", () -> changes.count() == 1);
        assertEquals(2, requestsAtChange.get(), "up after exactly rise (2) successes");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {200, 204, 301, 302, 399})
    void statusInTheDefaultRangeIsUp(int status) throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> status;
        Prober prober = start(with(endpoint.target("lon-1"), 200, 399, false), new Changes());
        await("up", () -> isUp(prober, "lon-1"));
        assertEquals("HTTP " + status, prober.view().nodes().get("lon-1").lastResult());
    }

    @Test
    void redirectIsNotFollowed() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 301;
        Prober prober = start(with(endpoint.target("lon-1"), 200, 399, false), new Changes());
        await("up", () -> isUp(prober, "lon-1"));
        assertTrue(endpoint.paths.stream().allMatch("/ping"::equals), () -> "paths: " + endpoint.paths);
    }

    @Test
    void customExpectOf200Makes204Down() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 204;
        Prober prober = start(with(endpoint.target("lon-1"), 200, 200, true), new Changes());
        await("down", () -> !isUp(prober, "lon-1"));
    }

    @Test
    void customExpectOf200KeepsA200Up() throws Exception {
        Endpoint endpoint = new Endpoint();
        Changes changes = new Changes();
        Prober prober = start(with(endpoint.target("lon-1"), 200, 200, true), changes);
        await("probed four times", () -> endpoint.requests.get() >= 4);
        assertTrue(isUp(prober, "lon-1"));
        assertEquals(0, changes.count());
    }

    // ---- what is sent ----

    @Test
    void configuredHostHeaderIsTheOneTheServerSees() throws Exception {
        Endpoint endpoint = new Endpoint();
        start(withHost(endpoint.target("lon-1"), "app.example.com"), new Changes());
        await("probed twice", () -> endpoint.requests.get() >= 2);
        assertTrue(endpoint.hosts.stream().allMatch("app.example.com"::equals), () -> "hosts: " + endpoint.hosts);
    }

    @Test
    void withoutAConfiguredHostTheUrlsHostAndPortAreSent() throws Exception {
        Endpoint endpoint = new Endpoint();
        start(endpoint.target("lon-1"), new Changes());
        await("probed twice", () -> endpoint.requests.get() >= 2);
        String expected = endpoint.address.getHostAddress() + ":" + endpoint.port;
        assertTrue(endpoint.hosts.stream().allMatch(expected::equals), () -> "hosts: " + endpoint.hosts);
    }

    @Test
    void urlPathAndQueryAreRequested() throws Exception {
        Endpoint endpoint = new Endpoint();
        ProbeTarget base = endpoint.target("lon-1");
        ProbeTarget target = new ProbeTarget("lon-1", endpoint.url("/health/ready?full=1"), null, 200, 399,
                TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        start(target, new Changes());
        await("probed", () -> endpoint.requests.get() >= 1);
        assertEquals("/health/ready?full=1", endpoint.paths.get(0));
        assertEquals(base.url().getPort(), target.url().getPort());
    }

    // ---- anti-flap and notifications ----

    @Test
    void alternatingEndpointNeverFlaps() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> n % 2 == 0 ? 500 : 200;
        Changes changes = new Changes();
        Prober prober = start(endpoint.target("lon-1"), changes);
        await("probed twelve times", () -> endpoint.requests.get() >= 12);
        assertTrue(isUp(prober, "lon-1"));
        assertEquals(0, changes.count(), "no transition with fall 2 and rise 2");
    }

    @Test
    void onChangeFiresOncePerTransition() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 500;
        Changes changes = new Changes();
        Prober prober = start(endpoint.target("lon-1"), changes);
        await("down", () -> !isUp(prober, "lon-1"));
        await("told", () -> changes.count() >= 1);
        int atDown = endpoint.requests.get();
        await("three more failures", () -> endpoint.requests.get() >= atDown + 3);
        assertEquals(1, changes.count(), "one call for going down, none for staying down");
        assertFalse(changes.views.get(0).isUp("lon-1"), "the callback is given the new view");

        endpoint.status = n -> 200;
        await("up", () -> isUp(prober, "lon-1"));
        await("told", () -> changes.count() >= 2);
        int atUp = endpoint.requests.get();
        await("three more successes", () -> endpoint.requests.get() >= atUp + 3);
        assertEquals(2, changes.count(), "one more for coming up, none for staying up");
        assertTrue(changes.views.get(1).isUp("lon-1"));
    }

    @Test
    void nodesAreJudgedIndependently() throws Exception {
        Endpoint healthy = new Endpoint();
        Endpoint failing = new Endpoint();
        failing.status = n -> 500;
        Changes changes = new Changes();
        Prober prober = start(List.of(healthy.target("lon-1"), failing.target("lon-2")), changes);
        await("lon-2 down", () -> !isUp(prober, "lon-2"));
        await("both probed again", () -> healthy.requests.get() >= 3 && failing.requests.get() >= 3);
        assertTrue(isUp(prober, "lon-1"));
        assertEquals(1, changes.count());
    }

    @Test
    void previousViewIsContinued() {
        NodeHealth knownDown = new NodeHealth(false, "HTTP 500", 1, null, java.time.Instant.EPOCH, 5, false);
        ProbeTarget target = new ProbeTarget("lon-1", URI.create("http://127.0.3.252:1/ping"), null, 200, 399,
                TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        try (Prober prober = newProber(List.of(target), new HealthView(Map.of("lon-1", knownDown, "gone", knownDown)),
                view -> { })) {
            assertFalse(isUp(prober, "lon-1"), "what was known is kept, not reset to the initial state");
            assertEquals(java.util.Set.of("lon-1"), prober.view().nodes().keySet(), "nodes no longer probed go");
        }
    }

    @Test
    void aReplacementProbingANodeTheSameWayContinuesItsStreakOfFailures() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 500;
        ProbeTarget slowToFall = new ProbeTarget("lon-1", endpoint.url("/ping"), null, 200, 399, TIMEOUT, INTERVAL,
                0, 100, 2, true, false);
        Prober prober = start(slowToFall, new Changes());
        await("failed twice", () -> prober.view().nodes().get("lon-1").streak() >= 2);
        NodeHealth carried = prober.carriedTo(List.of(slowToFall)).nodes().get("lon-1");
        assertFalse(carried.lastOk());
        assertTrue(carried.streak() >= 2, () -> "streak " + carried.streak());
    }

    @Test
    void aNodeProbedAnotherWayIsNotCarriedToTheReplacement() throws Exception {
        Endpoint endpoint = new Endpoint();
        Prober prober = start(endpoint.target("lon-1"), new Changes());
        ProbeTarget otherPath = new ProbeTarget("lon-1", endpoint.url("/ready"), null, 200, 399, TIMEOUT, INTERVAL,
                0, 2, 2, true, false);
        assertEquals(Map.of(), prober.carriedTo(List.of(otherPath)).nodes());
    }

    @Test
    void callbackThatThrowsDoesNotStopProbing() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 500;
        AtomicInteger calls = new AtomicInteger();
        Prober prober = newProber(List.of(endpoint.target("lon-1")), HealthView.allUp(), view -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener failed");
        });
        cleanup.add(0, prober);
        prober.start();
        await("down", () -> !isUp(prober, "lon-1"));
        endpoint.status = n -> 200;
        await("up again: probing went on after the listener failed", () -> isUp(prober, "lon-1"));
        // The view is published before the listener hears of it: wait for the call rather than race it.
        await("the listener told of the change too", () -> calls.get() == 2);
    }

    @Test
    void ipv6NodeIsProbed() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), 0), 16);
        AtomicInteger requests = new AtomicInteger();
        List<String> hosts = new CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        cleanup.add(() -> server.stop(0));
        int port = server.getAddress().getPort();
        ProbeTarget target = new ProbeTarget("v6", URI.create("http://[::1]:" + port + "/ping"), null, 200, 399,
                TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        Prober prober = start(target, new Changes());
        await("down on 503", () -> !isUp(prober, "v6"));
        assertEquals("[::1]:" + port, hosts.get(0));
    }

    // ---- HTTPS ----

    @Test
    void insecureNodeWithASelfSignedCertificateIsProbedWithSniOfTheHostHeader() throws Exception {
        TlsEndpoint endpoint = new TlsEndpoint();
        ProbeTarget target = new ProbeTarget("tls", URI.create("https://" + endpoint.address.getHostAddress() + ":"
                + endpoint.port + "/ping"), "app.example.com", 200, 399, Duration.ofSeconds(5), INTERVAL, 0, 2, 2,
                false, true);
        Prober prober = start(target, new Changes());
        await("up over TLS", () -> isUp(prober, "tls"));
        assertTrue(endpoint.sniNames.contains("app.example.com"), () -> "SNI: " + endpoint.sniNames);
        assertTrue(endpoint.requestLines.stream().allMatch(l -> l.equals("GET /ping HTTP/1.1")),
                () -> "requests: " + endpoint.requestLines);
        assertTrue(endpoint.hosts.stream().allMatch("app.example.com"::equals), () -> "hosts: " + endpoint.hosts);
    }

    @Test
    void certificateIsCheckedByDefault() throws Exception {
        TlsEndpoint endpoint = new TlsEndpoint();
        ProbeTarget target = new ProbeTarget("tls", URI.create("https://" + endpoint.address.getHostAddress() + ":"
                + endpoint.port + "/ping"), "app.example.com", 200, 399, Duration.ofSeconds(5), INTERVAL, 0, 2, 2,
                true, false);
        Prober prober = start(target, new Changes());
        await("down: the self-signed certificate is not trusted", () -> !isUp(prober, "tls"));
        assertEquals(0, endpoint.requestLines.size(), "no request is sent over an untrusted connection");
    }

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path keys;
    private static java.nio.file.Path keystore;

    /** A PKCS12 keystore with a self-signed certificate for app.example.com, made by the JDK's keytool. */
    static synchronized java.nio.file.Path keystore() throws Exception {
        if (keystore == null) {
            java.nio.file.Path file = keys.resolve("server.p12");
            String keytool = System.getProperty("java.home") + "/bin/keytool";
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=app.example.com", "-ext", "SAN=dns:app.example.com",
                    "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, () -> "keytool: " + output);
            keystore = file;
        }
        return keystore;
    }

    /** A one-connection-at-a-time HTTPS endpoint that records SNI names, request lines and Host headers. */
    final class TlsEndpoint implements AutoCloseable {
        final InetAddress address = InetAddress.getByName("127.0.3." + NEXT_ADDRESS.getAndIncrement());
        final int port;
        final List<String> sniNames = new CopyOnWriteArrayList<>();
        final List<String> requestLines = new CopyOnWriteArrayList<>();
        final List<String> hosts = new CopyOnWriteArrayList<>();
        private final javax.net.ssl.SSLServerSocket socket;

        TlsEndpoint() throws Exception {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            try (InputStream in = java.nio.file.Files.newInputStream(keystore())) {
                store.load(in, "changeit".toCharArray());
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            socket = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16, address);
            javax.net.ssl.SSLParameters params = socket.getSSLParameters();
            params.setSNIMatchers(List.of(new javax.net.ssl.SNIMatcher(javax.net.ssl.StandardConstants.SNI_HOST_NAME) {
                @Override
                public boolean matches(javax.net.ssl.SNIServerName name) {
                    sniNames.add(((javax.net.ssl.SNIHostName) name).getAsciiName());
                    return true;
                }
            }));
            socket.setSSLParameters(params);
            port = socket.getLocalPort();
            Thread serve = new Thread(this::serve, "tls-endpoint");
            serve.setDaemon(true);
            serve.start();
            cleanup.add(this);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.setSoTimeout(2_000);
                    InputStream in = s.getInputStream();
                    requestLines.add(firstLine(in));
                    for (String header = firstLine(in); !header.isEmpty(); header = firstLine(in)) {
                        if (header.toLowerCase(java.util.Locale.ROOT).startsWith("host:")) {
                            hosts.add(header.substring(5).trim());
                        }
                    }
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (IOException handshakeFailedOrClosed) {
                    // an untrusting client hangs up during the handshake; the next one may not
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    // ---- closing ----

    @Test
    void closeStopsProbing() throws Exception {
        Endpoint endpoint = new Endpoint();
        Prober prober = start(endpoint.target("lon-1"), new Changes());
        await("probed twice", () -> endpoint.requests.get() >= 2);
        prober.close();
        Thread.sleep(TIMEOUT.toMillis());   // a probe already on its way may still arrive
        int afterClose = endpoint.requests.get();
        Thread.sleep(5 * INTERVAL.toMillis());
        assertEquals(afterClose, endpoint.requests.get(), "no request after close");
    }

    @Test
    void closeStopsProbingASlowServerToo() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.delayMillis = 1_000;
        Prober prober = start(withTimeout(endpoint.target("lon-1"), SHORT_TIMEOUT), new Changes());
        await("probed", () -> endpoint.requests.get() >= 1);
        prober.close();
        Thread.sleep(SHORT_TIMEOUT.toMillis());
        int afterClose = endpoint.requests.get();
        Thread.sleep(5 * INTERVAL.toMillis());
        assertEquals(afterClose, endpoint.requests.get(), "no request after close");
    }

    @Test
    void closeWithoutStartIsFine() {
        newProber(List.of(), HealthView.allUp(), view -> { }).close();
    }

    /** Reads a request's first line from a socket: for servers written by hand. */
    static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().trim();
    }
}
