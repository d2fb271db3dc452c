package geodns.server.health;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;

/**
 * What the prober tests share: real HTTP endpoints, each on its own loopback address (127.0.3.x), probed every
 * 100 ms with fall 2 and rise 2 (and a 200 ms timeout where slowness is tested), and waits that poll for the
 * expected state with a deadline rather than sleeping.
 */
abstract class ProbeFixture {
    static final Duration INTERVAL = Duration.ofMillis(100);
    /** Generous, so a loaded CI machine does not turn a healthy endpoint into a timeout. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** For the tests of slow endpoints, which take well past it or never answer. */
    static final Duration SHORT_TIMEOUT = Duration.ofMillis(200);
    static final Duration PATIENCE = Duration.ofSeconds(15);
    static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);

    final List<AutoCloseable> cleanup = new ArrayList<>();

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
        /** How long each answer takes: the server's own latency, not a wait of the test. */
        volatile long delayMillis;
        /** When set, requests get no answer until the endpoint is closed. */
        volatile boolean hangs;
        private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

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
                    if (hangs) {
                        closed.await();
                    } else if (delayMillis > 0) {
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
            return httpTarget(node, url("/ping"), null, 200, 399, TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        }

        @Override
        public void close() {
            closed.countDown();
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

    Prober start(List<ProbeTarget> targets, Changes changes) {
        Prober prober = newProber(targets, HealthView.allUp(), changes);
        cleanup.add(0, prober);   // closed before the servers
        prober.start();
        return prober;
    }

    Prober start(ProbeTarget target, Changes changes) {
        return start(List.of(target), changes);
    }

    /** Polls {@code condition} every 10 ms until it holds, failing after {@link #PATIENCE}. */
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

    /** An HTTP(S) probe target, its arguments in the order of the fields of HttpProbe and ProbeTarget. */
    static ProbeTarget httpTarget(String node, URI url, String host, int expectFrom, int expectTo, Duration timeout,
                                  Duration interval, double jitter, int fall, int rise, boolean initiallyUp,
                                  boolean insecure) {
        return new ProbeTarget(node, new HttpProbe(url, host, expectFrom, expectTo, insecure), timeout, interval,
                jitter, fall, rise, initiallyUp);
    }

    static HttpProbe http(ProbeTarget t) {
        return (HttpProbe) t.probe();
    }

    static ProbeTarget with(ProbeTarget t, int expectFrom, int expectTo, boolean initiallyUp) {
        return httpTarget(t.node(), http(t).url(), http(t).host(), expectFrom, expectTo, t.timeout(), t.interval(),
                t.jitter(), t.fall(), t.rise(), initiallyUp, http(t).insecure());
    }

    static ProbeTarget withTimeout(ProbeTarget t, Duration timeout) {
        return new ProbeTarget(t.node(), t.probe(), timeout, t.interval(), t.jitter(), t.fall(), t.rise(),
                t.initiallyUp());
    }

    static ProbeTarget withHost(ProbeTarget t, String host) {
        return httpTarget(t.node(), http(t).url(), host, http(t).expectFrom(), http(t).expectTo(), t.timeout(),
                t.interval(), t.jitter(), t.fall(), t.rise(), t.initiallyUp(), http(t).insecure());
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
