package geodns.server.health;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every node on its own schedule and publishes a new {@link HealthView} whenever a node goes up or
 * down. Runs on its own threads; DNS answering never waits for it. At most {@link #MAX_IN_FLIGHT} probes are
 * open at once: a probe whose turn comes while all are busy is skipped, not queued.
 */
public final class Prober implements AutoCloseable {
    static final int MAX_IN_FLIGHT = 64;
    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);

    static {
        // Probes may carry the Host of an IngressRoute; the JDK client only sends it when allowed explicitly.
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
    }

    private final List<ProbeTarget> targets;
    private final Consumer<HealthView> onChange;
    private final AtomicReference<HealthView> view;
    private final ScheduledExecutorService timer;
    private final ExecutorService io;
    private final HttpClient verifying;
    private final HttpClient insecure;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private volatile boolean closed;

    /**
     * @param previous the view to continue from (a reload keeps what is known of nodes that stay)
     * @param onChange called with the new view whenever a node changes state; on the prober's thread
     */
    public Prober(List<ProbeTarget> targets, HealthView previous, Consumer<HealthView> onChange) {
        this.targets = List.copyOf(targets);
        this.onChange = onChange;
        Instant now = Instant.now();
        Map<String, NodeHealth> initial = new HashMap<>();
        for (ProbeTarget t : targets) {
            NodeHealth known = previous.nodes().get(t.node());
            initial.put(t.node(), known != null ? known : NodeHealth.initial(t.initiallyUp(), now));
        }
        this.view = new AtomicReference<>(new HealthView(initial));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("health-timer"));
        this.io = Executors.newFixedThreadPool(2, daemon("health-io"));
        this.verifying = client(false);
        this.insecure = targets.stream().anyMatch(ProbeTarget::insecure) ? client(true) : null;
    }

    public HealthView view() {
        return view.get();
    }

    public void start() {
        if (!targets.isEmpty()) {
            LOG.info("health: probing {} node(s)", targets.size());
        }
        for (ProbeTarget t : targets) {
            // Spread the first probes over one interval, so many pods and nodes do not probe in step.
            long firstDelay = (long) (ThreadLocalRandom.current().nextDouble() * t.interval().toMillis());
            timer.schedule(() -> probe(t), firstDelay, TimeUnit.MILLISECONDS);
        }
    }

    private void probe(ProbeTarget t) {
        if (closed) {
            return;
        }
        if (!inFlight.tryAcquire()) {
            scheduleNext(t);
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(t.url()).timeout(t.timeout()).GET()
                .header("User-Agent", "geodns-health");
        if (t.host() != null) {
            request.header("Host", t.host());
        }
        long start = System.nanoTime();
        HttpClient client = t.insecure() ? insecure : verifying;
        CompletableFuture<HttpResponse<Void>> sent;
        try {
            sent = client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        // A probe that hangs is cut at its timeout, whatever stage it hangs in.
        sent.orTimeout(t.timeout().toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((response, error) -> {
            inFlight.release();
            double millis = (System.nanoTime() - start) / 1e6;
            record(t, response, error, millis);
            scheduleNext(t);
        }, timer);
    }

    private void scheduleNext(ProbeTarget t) {
        if (closed) {
            return;
        }
        double spread = 1 + t.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        timer.schedule(() -> probe(t), Math.max(1, (long) (t.interval().toMillis() * spread)), TimeUnit.MILLISECONDS);
    }

    private void record(ProbeTarget t, HttpResponse<Void> response, Throwable error, double millis) {
        boolean ok;
        String result;
        if (error != null) {
            ok = false;
            result = describe(error);
        } else {
            int status = response.statusCode();
            ok = status >= t.expectFrom() && status <= t.expectTo();
            result = "HTTP " + status;
        }
        HealthView before = view.get();
        NodeHealth old = before.nodes().get(t.node());
        NodeHealth now = old.next(ok, result, millis, Instant.now(), t.fall(), t.rise());
        Map<String, NodeHealth> nodes = new HashMap<>(before.nodes());
        nodes.put(t.node(), now);
        HealthView after = new HealthView(nodes);
        view.set(after);
        if (now.up() != old.up()) {
            LOG.info("health: node {} {} -> {} ({} in a row: {}, {} ms)", t.node(), old.up() ? "up" : "down",
                    now.up() ? "up" : "down", now.streak(), result, String.format("%.1f", millis));
            onChange.accept(after);
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof java.net.http.HttpTimeoutException) {
            return "timeout";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private HttpClient client(boolean trustAll) {
        Duration connectTimeout = targets.stream().map(ProbeTarget::timeout).max(Duration::compareTo)
                .orElse(Duration.ofSeconds(5));
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout).executor(io);
        if (trustAll) {
            builder.sslContext(TrustAll.context());
        }
        return builder.build();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        io.shutdownNow();
    }
}
