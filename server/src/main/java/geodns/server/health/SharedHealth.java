package geodns.server.health;

import geodns.server.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's part in shared health: fetches every peer's own view every interval, checks it (signature,
 * nonce, time, size, shape), and merges the fresh ones with this instance's own view by {@link Majority}. All of
 * it on one thread of its own ("health-share", which owns every field below), the fetching threads and the HTTP
 * client's; answers read only the snapshot that {@code onChange} has built, so a slow or dead peer costs them
 * nothing. {@code onChange} is called only when the merged verdict of some node changes.
 *
 * <p>A fetch merges only when the votes counted changed: the fetched peer's (a view accepted that votes otherwise
 * than the last), any peer's freshness, or this instance's own. A merge of unchanged votes would decide the same
 * (a tie keeps what it decided), so skipping it loses nothing, and a verdict still changes as soon as the view
 * that causes it is fetched; at 50 instances this spares ~24 merges a second, each of 50 x 50 votes and gauges.
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
    private final ThreadPoolExecutor fetchers;
    private final HttpClient client;
    private final long startNanos = System.nanoTime();
    private Map<String, Boolean> mergedUp = Map.of();
    private final Map<String, Instant> mergedSince = new HashMap<>();
    private Map<String, Boolean> countedOwn = Map.of();
    private boolean partitioned;
    private boolean partitionLogged;
    private volatile Verdicts verdicts;
    private volatile Sharing sharing;
    private volatile boolean closed;

    /** What one peer last gave: written on the share thread only. */
    private static final class PeerState {
        final ShareConfig.Peer peer;
        final String label;
        boolean inFlight;
        PeerView view;
        /** node -> up as {@link #view} says, one immutable map per different vote: identity tells a change. */
        Map<String, Boolean> votes;
        /** The votes the last merge counted (and {@code geodns_peer_node_up} shows), null while not fresh. */
        Map<String, Boolean> counted;
        long acceptedNanos;
        String lastResult = "not fetched yet";

        PeerState(ShareConfig.Peer peer) {
            this.peer = peer;
            this.label = peer.name() != null ? peer.name() : peer.url().getAuthority();
        }
    }

    /** The merged verdicts and since when each holds, published by each merge. */
    private record Verdicts(Map<String, Boolean> up, Map<String, Instant> since) {}

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
        // Fetches block in HttpClient.send on threads of our own, kept alive between intervals: sendAsync would
        // hand each response to CompletableFuture's default executor, which on a machine of 2 cores (a common
        // pool of 1) starts a new thread per task, i.e. per fetch. Not a small fixed pool: a dead peer holds its
        // thread for a whole timeout, and live peers must not queue behind it. At most one fetch per peer is in
        // flight, so one thread per peer is the most this can start, and steady fetching reuses a few.
        this.fetchers = new ThreadPoolExecutor(0, Math.max(1, peers.size()), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemon("health-share-fetch"));
        Duration timeout = fetchTimeout();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(httpThreads).build();
        HealthView now = own.get();
        now.nodes().forEach((node, h) -> {
            mergedSince.put(node, h.since());
            metrics.sharedNodeUp(node, h.up(), false);
        });
        this.mergedUp = upOf(now);
        this.verdicts = new Verdicts(mergedUp, Map.copyOf(mergedSince));
        this.partitioned = 1 < majority.quorum();  // nothing fetched yet: only this instance's view is fresh
        metrics.sharedPartitioned(partitioned);
        this.sharing = snapshot(mergedUp);
    }

    public ShareConfig config() {
        return config;
    }

    /**
     * The view answers follow: this instance's own as it is now (last probe, streak: health-aware TTLs), with each
     * node's verdict the merged one (a node no merge has seen yet: its own).
     */
    public HealthView merged() {
        Verdicts v = verdicts;
        Map<String, NodeHealth> nodes = new HashMap<>();
        own.get().nodes().forEach((node, h) -> {
            Boolean up = v.up().get(node);
            nodes.put(node, up == null ? h : new NodeHealth(up, h.lastResult(), h.lastLatencyMillis(), h.lastProbe(),
                    v.since().get(node), h.streak(), h.lastOk()));
        });
        return new HealthView(nodes);
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
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + PeerView.PATH + "?nonce=" + nonce))
                    .timeout(fetchTimeout()).header("User-Agent", "geodns-peer").GET().build();
        } catch (RuntimeException e) {
            p.inFlight = false;
            received(p, nonce, null, e);
            return;
        }
        Future<?> sending;
        try {
            sending = fetchers.submit(() -> {
                HttpResponse<byte[]> response = null;
                Throwable error = null;
                try {
                    response = client.send(request, info -> info.statusCode() == 200
                            ? new Capped(PeerView.MAX_BYTES) : HttpResponse.BodySubscribers.replacing(null));
                } catch (InterruptedException e) {
                    error = new TimeoutException();  // cut off below: the request's timeout does not cover the body
                } catch (IOException | RuntimeException e) {
                    error = e;
                }
                HttpResponse<byte[]> r = response;
                Throwable t = error;
                onThread(() -> {
                    p.inFlight = false;
                    received(p, nonce, r, t);
                    mergeIfCountedChanged();
                });
            });
        } catch (RejectedExecutionException closing) {
            return;
        }
        // A peer that trickles its body is cut off like one that does not answer (send then stops the exchange).
        try {
            thread.schedule(() -> sending.cancel(true), fetchTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** The checks of docs/operations.md, "Shared health", in their order; each outcome counted. */
    private void received(PeerState p, String nonce, HttpResponse<byte[]> response, Throwable error) {
        String result;
        String detail = null;
        Throwable cause = error;
        if (oversized(cause)) {
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
        Map<String, Boolean> votes = new HashMap<>();
        view.nodes().forEach((node, v) -> votes.put(node, v.up()));
        if (!votes.equals(p.votes)) {
            p.votes = Map.copyOf(votes);
        }
        p.acceptedNanos = System.nanoTime();
        return "ok";
    }

    /** HttpClient.send wraps what the body subscriber failed with, how deep depends on where it failed. */
    private static boolean oversized(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof Oversized) {
                return true;
            }
        }
        return false;
    }

    private boolean fresh(PeerState p) {
        return p.view != null && System.nanoTime() - p.acceptedNanos <= config.window().toNanos();
    }

    /** The votes a merge now would count of {@code p}: its view's, or null when that is not fresh. */
    private Map<String, Boolean> countable(PeerState p) {
        return fresh(p) ? p.votes : null;
    }

    private static Map<String, Boolean> upOf(HealthView view) {
        Map<String, Boolean> up = new HashMap<>();
        view.nodes().forEach((node, h) -> up.put(node, h.up()));
        return Map.copyOf(up);
    }

    /** After a fetch: a merge when the votes it would count differ from the last merge's, else the matrix only. */
    private void mergeIfCountedChanged() {
        if (closed) {
            return;
        }
        try {
            Map<String, Boolean> ownUp = upOf(own.get());
            boolean changed = !ownUp.equals(countedOwn) || partitioned && !partitionLogged && settled();
            for (int i = 0; i < peers.size() && !changed; i++) {
                PeerState p = peers.get(i);
                changed = countable(p) != p.counted;
            }
            if (changed) {
                merge();
            } else {
                sharing = snapshot(ownUp);  // the fetch's time and outcome, for /status
            }
        } catch (RuntimeException e) {
            LOG.error("shared health: merge failed", e);
        }
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
        Map<String, Boolean> ownUp = upOf(mine);
        List<Map<String, Boolean>> views = new ArrayList<>();
        for (PeerState p : peers) {
            Map<String, Boolean> counting = countable(p);
            if (counting != null) {
                views.add(counting);
            }
            if (counting != p.counted && p.votes != null) {
                // Only a peer whose counted votes changed (a new vote, fresh again, gone stale) is written again.
                p.votes.forEach((node, up) -> metrics.peerNodeUp(p.label, node, counting != null ? up : null));
            }
            p.counted = counting;
        }
        countedOwn = ownUp;
        Majority.Decision decision = majority.decide(ownUp, views, mergedUp);
        partitionChange(decision);
        Instant now = Instant.now();
        boolean changed = !decision.up().keySet().equals(mergedUp.keySet());
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
            if (before == null || flipped) {
                metrics.sharedNodeUp(node, up, flipped);
            }
        }
        mergedSince.keySet().retainAll(mine.nodes().keySet());
        mergedUp = decision.up();
        if (changed) {
            verdicts = new Verdicts(mergedUp, Map.copyOf(mergedSince));
        }
        sharing = snapshot(ownUp);
        if (changed) {
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
        if (decision.partitioned() && !partitionLogged && settled()) {
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

    private boolean settled() {
        return System.nanoTime() - startNanos > config.window().toNanos();
    }

    private Sharing snapshot(Map<String, Boolean> ownUp) {
        List<Observer> observers = new ArrayList<>(peers.size() + 1);
        Instant now = Instant.now();
        long nowNanos = System.nanoTime();
        observers.add(new Observer(self, null, now, true, "own probes", ownUp));
        for (PeerState p : peers) {
            Instant fetched = p.view == null ? null : now.minusNanos(nowNanos - p.acceptedNanos);
            observers.add(new Observer(p.view != null ? p.view.instance() : p.label, p.peer.url().toString(),
                    fetched, fresh(p), p.lastResult, p.votes == null ? Map.of() : p.votes));
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
        fetchers.shutdownNow();
        httpThreads.shutdownNow();
    }
}
