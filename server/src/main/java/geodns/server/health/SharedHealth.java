package geodns.server.health;

import geodns.server.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's part in shared health: fetches every peer's own view every interval, checks it (signature,
 * nonce, time, size, shape), and merges the fresh ones with this instance's own view by {@link Majority}. All of
 * it on one thread of its own ("health-share", which owns every field below) and the HTTP client's; answers read
 * only the snapshot that {@code onChange} has built, so a slow or dead peer costs them nothing. {@code onChange}
 * is called only when the merged verdict of some node changes.
 */
public final class SharedHealth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedHealth.class);
    private static final Duration MAX_FETCH = Duration.ofSeconds(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ShareConfig config;
    private final String self;
    private final Supplier<HealthView> own;
    private final Metrics metrics;
    private final Runnable onChange;
    private final Majority majority;
    private final List<PeerState> peers = new ArrayList<>();
    private final ScheduledExecutorService thread;
    private final ExecutorService httpThreads;
    private final HttpClient client;
    private final long startNanos = System.nanoTime();
    private Map<String, Boolean> mergedUp = Map.of();
    private final Map<String, Instant> mergedSince = new HashMap<>();
    private boolean partitioned;
    private boolean partitionLogged;
    private volatile HealthView merged;
    private volatile Sharing sharing;
    private volatile boolean closed;

    /** What one peer last gave: written on the share thread only. */
    private static final class PeerState {
        final ShareConfig.Peer peer;
        final String label;
        boolean inFlight;
        PeerView view;
        long acceptedNanos;
        String lastResult = "not fetched yet";

        PeerState(ShareConfig.Peer peer) {
            this.peer = peer;
            this.label = peer.name() != null ? peer.name() : peer.url().getAuthority();
        }
    }

    /**
     * Who sees what, at the last merge: for /status, /status.json and /explain.
     *
     * @param instances every instance configured, this one included
     * @param quorum    the fresh views needed to decide together
     * @param observers this instance first, then each peer
     * @param merged    node -> up, the verdict answers follow
     */
    public record Sharing(String self, int instances, int quorum, boolean partitioned, List<Observer> observers,
                          Map<String, Boolean> merged, Duration window) {
        public Sharing {
            observers = List.copyOf(observers);
            merged = Map.copyOf(merged);
        }
    }

    /**
     * One instance's view as this one holds it.
     *
     * @param name     the instance's name (for an explicit URL not heard from yet, its host:port)
     * @param url      where it is fetched, null for this instance
     * @param fetched  when its view last passed every check, null if never (for this instance: now)
     * @param fresh    whether that view counts
     * @param result   the last fetch's outcome (ok, failed: why, forged, ...)
     * @param nodes    node -> up, as that view says; empty before one was accepted
     */
    public record Observer(String name, String url, Instant fetched, boolean fresh, String result,
                           Map<String, Boolean> nodes) {
        public Observer {
            nodes = Map.copyOf(nodes);
        }
    }

    /**
     * @param self     this instance's name (--instance); a template's node of that name is not fetched
     * @param own      this instance's own probe view, as it is now
     * @param onChange called on the share thread when the merged verdict of any node changes
     */
    public SharedHealth(ShareConfig config, String self, Supplier<HealthView> own, Metrics metrics,
                        Runnable onChange) {
        this.config = config;
        this.self = self;
        this.own = own;
        this.metrics = metrics;
        this.onChange = onChange;
        config.others(self).forEach(p -> peers.add(new PeerState(p)));
        this.majority = new Majority(peers.size() + 1);
        this.thread = Executors.newSingleThreadScheduledExecutor(daemon("health-share"));
        this.httpThreads = Executors.newFixedThreadPool(2, daemon("health-share-http"));
        Duration timeout = fetchTimeout();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(httpThreads).build();
        HealthView now = own.get();
        this.merged = now;
        now.nodes().forEach((node, h) -> {
            mergedSince.put(node, h.since());
            metrics.sharedNodeUp(node, h.up(), false);
        });
        Map<String, Boolean> up = new HashMap<>();
        now.nodes().forEach((node, h) -> up.put(node, h.up()));
        this.mergedUp = Map.copyOf(up);
        this.partitioned = 1 < majority.quorum();  // nothing fetched yet: only this instance's view is fresh
        metrics.sharedPartitioned(partitioned);
        this.sharing = snapshot(now);
    }

    public ShareConfig config() {
        return config;
    }

    /** The view answers follow: this instance's own, with each node's verdict the merged one. */
    public HealthView merged() {
        return merged;
    }

    public Sharing sharing() {
        return sharing;
    }

    public void start() {
        long interval = config.interval().toMillis();
        if (!config.peers().isEmpty() && config.peers().stream().allMatch(p -> p.name() != null)
                && config.others(self).size() == config.peers().size()) {
            LOG.warn("shared health: this instance is '{}' (--instance, default $NODE_NAME), which is no node of "
                    + "geo.yaml: it fetches every node, its own too, and counts one instance more than there are",
                    self);
        }
        LOG.info("shared health: {} peer(s), fetched every {} ms; a node's verdict is the majority of the fresh "
                + "views of {} instance(s), {} needed", peers.size(), interval, majority.instances(),
                majority.quorum());
        for (PeerState p : peers) {
            // Spread over one interval, so the instances do not all fetch in step.
            long first = (long) (ThreadLocalRandom.current().nextDouble() * interval);
            thread.scheduleWithFixedDelay(() -> fetch(p), first, interval, TimeUnit.MILLISECONDS);
        }
        // Views also age: a peer that stops answering stops counting without any fetch succeeding.
        thread.scheduleWithFixedDelay(this::mergeSafely, interval, interval, TimeUnit.MILLISECONDS);
        onThread(this::mergeSafely);
    }

    /** This instance's own view changed (a node went up or down by its probes): merge again now. */
    public void ownChanged() {
        onThread(this::mergeSafely);
    }

    /** The signed body of this instance's own view, for a peer that asked with {@code nonce}. */
    public Signed publish(String nonce) {
        String body = PeerView.body(self, Instant.now(), nonce, own.get());
        return new Signed(body, config.secret().sign(body));
    }

    /** A view as sent: the body and the hex HMAC-SHA256 of its bytes. */
    public record Signed(String body, String signature) {}

    private Duration fetchTimeout() {
        return config.interval().compareTo(MAX_FETCH) < 0 ? config.interval() : MAX_FETCH;
    }

    private void fetch(PeerState p) {
        if (closed || p.inFlight) {
            return;  // one fetch per peer at a time: a slow peer is not asked again until it answered
        }
        p.inFlight = true;
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String nonce = HexFormat.of().formatHex(random);
        String base = p.peer.url().toString().replaceFirst("/+$", "");
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + PeerView.PATH + "?nonce=" + nonce))
                    .timeout(fetchTimeout()).header("User-Agent", "geodns-peer").GET().build();
            sent = client.sendAsync(request, info -> info.statusCode() == 200 ? new Capped(PeerView.MAX_BYTES)
                    : HttpResponse.BodySubscribers.replacing(null));
        } catch (RuntimeException e) {
            p.inFlight = false;
            received(p, nonce, null, e);
            return;
        }
        sent.orTimeout(fetchTimeout().toMillis() + 500, TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> onThread(() -> {
                    p.inFlight = false;
                    received(p, nonce, response, error);
                    mergeSafely();
                }));
    }

    /** The checks of docs/operations.md, "Shared health", in their order; each outcome counted. */
    private void received(PeerState p, String nonce, HttpResponse<byte[]> response, Throwable error) {
        String result;
        String detail = null;
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof Oversized || cause != null && cause.getCause() instanceof Oversized) {
            result = "oversized";
        } else if (cause != null) {
            result = "failed";
            detail = cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof java.net.http.HttpTimeoutException ? "timeout"
                    : cause instanceof java.net.ConnectException ? "connection refused"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } else if (response.statusCode() != 200) {
            result = "failed";
            detail = "HTTP " + response.statusCode();
        } else {
            result = check(p, nonce, response);
        }
        metrics.peerView(p.label, result);
        String shown = detail == null ? result : result + ": " + detail;
        if (!"ok".equals(result) && !"failed".equals(result) && !shown.equals(p.lastResult)) {
            LOG.warn("shared health: view from {} ignored: {}", p.peer.url(), shown);
        }
        p.lastResult = shown;
    }

    private String check(PeerState p, String nonce, HttpResponse<byte[]> response) {
        byte[] body = response.body();
        if (!config.secret().verifies(body, response.headers().firstValue(PeerView.SIGNATURE_HEADER).orElse(null))) {
            return "forged";
        }
        PeerView view;
        try {
            view = PeerView.read(body);
        } catch (PeerView.Malformed e) {
            return "malformed";
        }
        if (!view.nonce().equals(nonce)) {
            return "replayed";
        }
        if (Duration.between(view.time(), Instant.now()).abs().compareTo(config.window()) > 0) {
            return "stale";
        }
        if (view.instance().equals(self) || p.peer.name() != null && !view.instance().equals(p.peer.name())
                || peers.stream().anyMatch(o -> o != p && fresh(o) && o.view.instance().equals(view.instance()))) {
            return "wrong_instance";  // each instance counts once, however many URLs lead to it
        }
        p.view = view;
        p.acceptedNanos = System.nanoTime();
        return "ok";
    }

    private boolean fresh(PeerState p) {
        return p.view != null && System.nanoTime() - p.acceptedNanos <= config.window().toNanos();
    }

    private void mergeSafely() {
        try {
            merge();
        } catch (RuntimeException e) {
            // An escaping exception would cancel the periodic merge for good.
            LOG.error("shared health: merge failed", e);
        }
    }

    private void merge() {
        if (closed) {
            return;
        }
        HealthView mine = own.get();
        Map<String, Boolean> ownUp = new HashMap<>();
        mine.nodes().forEach((node, h) -> ownUp.put(node, h.up()));
        List<Map<String, Boolean>> views = new ArrayList<>();
        for (PeerState p : peers) {
            boolean fresh = fresh(p);
            if (fresh) {
                Map<String, Boolean> votes = new HashMap<>();
                p.view.nodes().forEach((node, v) -> votes.put(node, v.up()));
                views.add(votes);
            }
            if (p.view != null) {
                p.view.nodes().forEach((node, v) -> metrics.peerNodeUp(p.label, node, fresh ? v.up() : null));
            }
        }
        Majority.Decision decision = majority.decide(ownUp, views, mergedUp);
        partitionChange(decision);
        Instant now = Instant.now();
        Map<String, NodeHealth> nodes = new HashMap<>();
        boolean changed = false;
        for (Map.Entry<String, NodeHealth> e : mine.nodes().entrySet()) {
            String node = e.getKey();
            boolean up = decision.up().get(node);
            Boolean before = mergedUp.get(node);
            boolean flipped = before != null && before != up;
            changed |= before == null || flipped;
            if (flipped || before == null) {
                mergedSince.put(node, flipped ? now : e.getValue().since());
            }
            if (flipped) {
                LOG.info("shared health: node {} {} -> {} ({})", node, before ? "up" : "down", up ? "up" : "down",
                        votes(node, decision));
            }
            metrics.sharedNodeUp(node, up, flipped);
            NodeHealth h = e.getValue();
            nodes.put(node, new NodeHealth(up, h.lastResult(), h.lastLatencyMillis(), h.lastProbe(),
                    mergedSince.get(node), h.streak(), h.lastOk()));
        }
        mergedSince.keySet().retainAll(nodes.keySet());
        mergedUp = Map.copyOf(decision.up());
        HealthView result = new HealthView(nodes);
        HealthView previous = merged;
        merged = result;
        sharing = snapshot(mine);
        if (changed || !result.sameUpSet(previous)) {
            onChange.run();
        }
    }

    /** Who said what of a node, for the transition's log line. */
    private String votes(String node, Majority.Decision decision) {
        if (decision.partitioned()) {
            return "own view only: too few peers' views are fresh";
        }
        List<String> up = new ArrayList<>();
        List<String> down = new ArrayList<>();
        (own.get().isUp(node) ? up : down).add(self);
        for (PeerState p : peers) {
            if (fresh(p) && p.view.nodes().containsKey(node)) {
                (p.view.nodes().get(node).up() ? up : down).add(p.view.instance());
            }
        }
        return "up: " + String.join(", ", up) + "; down: " + String.join(", ", down) + "; of "
                + decision.views() + " fresh views";
    }

    /** Logged once when it starts and once when it ends; not in the first window after start (nothing fetched). */
    private void partitionChange(Majority.Decision decision) {
        boolean settled = System.nanoTime() - startNanos > config.window().toNanos();
        if (decision.partitioned() && !partitionLogged && settled) {
            LOG.warn("shared health: own view only: {} of {} instances' views are fresh, {} needed to decide "
                    + "together; answering by this instance's probes alone until enough peers are heard again",
                    decision.views(), majority.instances(), majority.quorum());
            partitionLogged = true;
        } else if (!decision.partitioned() && partitionLogged) {
            LOG.info("shared health: own view only is over: {} of {} instances' views are fresh",
                    decision.views(), majority.instances());
            partitionLogged = false;
        }
        partitioned = decision.partitioned();
        metrics.sharedPartitioned(partitioned);
    }

    private Sharing snapshot(HealthView mine) {
        List<Observer> observers = new ArrayList<>();
        Map<String, Boolean> ownUp = new LinkedHashMap<>();
        mine.nodes().forEach((node, h) -> ownUp.put(node, h.up()));
        observers.add(new Observer(self, null, Instant.now(), true, "own probes", ownUp));
        for (PeerState p : peers) {
            Map<String, Boolean> up = new LinkedHashMap<>();
            if (p.view != null) {
                p.view.nodes().forEach((node, v) -> up.put(node, v.up()));
            }
            Instant fetched = p.view == null ? null
                    : Instant.now().minusNanos(System.nanoTime() - p.acceptedNanos);
            observers.add(new Observer(p.view != null ? p.view.instance() : p.label, p.peer.url().toString(),
                    fetched, fresh(p), p.lastResult, up));
        }
        return new Sharing(self, majority.instances(), majority.quorum(), partitioned, observers, mergedUp,
                config.window());
    }

    private void onThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** A body read up to a cap: a peer cannot make this instance hold more than {@link PeerView#MAX_BYTES}. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        Capped(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletableFuture<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (body.isDone()) {
                    return;
                }
                if (out.size() + b.remaining() > cap) {
                    subscription.cancel();
                    body.completeExceptionally(new Oversized());
                    return;
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(out.toByteArray());
        }
    }

    private static final class Oversized extends Exception {
        Oversized() {
            super("larger than " + PeerView.MAX_BYTES + " bytes", null, false, false);
        }
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
        metrics.sharedPartitioned(false);
        thread.shutdownNow();
        httpThreads.shutdownNow();
    }
}
