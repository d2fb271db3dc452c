package geodns.server.health;

import geodns.server.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every node on its own schedule and publishes a new {@link HealthView} whenever a node goes up or
 * down, and (to a listener of its own) when a node starts or ends a streak that may change it
 * ({@link NodeHealth#changing()}: health-aware TTLs), not on every probe. Runs on its own threads; DNS answering never waits for it. At most {@link #MAX_IN_FLIGHT} probes are
 * open at once, each cut at its timeout: a probe whose turn comes while all are busy is skipped, not queued.
 */
public final class Prober implements AutoCloseable {
    static final int MAX_IN_FLIGHT = 32;
    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);

    private final List<ProbeTarget> targets;
    private final Metrics metrics;
    private final Consumer<HealthView> onChange;
    private final Consumer<HealthView> onStreak;
    private final AtomicReference<HealthView> view;
    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor workers;
    private volatile boolean closed;

    /**
     * @param previous the view to continue from (see {@link #carriedTo})
     * @param onChange called with the new view whenever a node changes state; on the prober's thread
     */
    public Prober(List<ProbeTarget> targets, HealthView previous, Metrics metrics, Consumer<HealthView> onChange) {
        this(targets, previous, metrics, onChange, view -> { });
    }

    /** @param onStreak called with the new view when a node starts or ends a failing or rising streak */
    public Prober(List<ProbeTarget> targets, HealthView previous, Metrics metrics, Consumer<HealthView> onChange,
                  Consumer<HealthView> onStreak) {
        this.onStreak = onStreak;
        this.metrics = metrics;
        this.targets = List.copyOf(targets);
        this.onChange = onChange;
        Instant now = Instant.now();
        Map<String, NodeHealth> initial = new HashMap<>();
        for (ProbeTarget t : targets) {
            NodeHealth known = previous.nodes().get(t.node());
            initial.put(t.node(), known != null ? known : NodeHealth.initial(t.initiallyUp(), now));
        }
        this.view = new AtomicReference<>(new HealthView(initial));
        initial.forEach((node, health) -> metrics.nodeUp(node, health.up()));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("health-timer"));
        int threads = Math.max(1, Math.min(targets.size(), MAX_IN_FLIGHT));
        this.workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("health-probe"));
        workers.allowCoreThreadTimeOut(true);
    }

    public HealthView view() {
        return view.get();
    }

    public List<ProbeTarget> targets() {
        return targets;
    }

    /**
     * What this prober knows of the nodes that {@code next} probes exactly as this one does, streaks included,
     * for the prober that replaces it; a node probed anew (other URL or check, other thresholds) starts afresh.
     */
    public HealthView carriedTo(List<ProbeTarget> next) {
        Map<String, NodeHealth> kept = new HashMap<>();
        HealthView now = view.get();
        next.stream().filter(targets::contains).forEach(t -> kept.put(t.node(), now.nodes().get(t.node())));
        return new HealthView(kept);
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
        try {
            workers.execute(() -> {
                Probe.Result result = check(t);
                onTimer(() -> {
                    try {
                        record(t, result);
                    } finally {
                        scheduleNext(t, result.latency().toMillis());
                    }
                });
            });
        } catch (RejectedExecutionException busyOrClosed) {
            // Every worker is waiting on a slow node: skip this turn rather than queue without bound.
            scheduleNext(t, 0);
        }
    }

    /** A probe type that throws despite its contract fails that one probe; its node is still probed on. */
    private static Probe.Result check(ProbeTarget t) {
        long start = System.nanoTime();
        try {
            return t.probe().check(t.timeout());
        } catch (RuntimeException e) {
            return new Probe.Result(false, e.getClass().getSimpleName(), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** State changes happen on the timer thread only; after close there is nothing left to change. */
    private void onTimer(Runnable task) {
        try {
            timer.execute(task);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /**
     * Probes start one interval (with jitter) after the previous one started, so a node whose probes hang is
     * still probed about once per interval: it goes down after about fall × interval + timeout.
     */
    private void scheduleNext(ProbeTarget t, long tookMillis) {
        if (closed) {
            return;
        }
        double spread = 1 + t.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        long delay = Math.max(1, (long) (t.interval().toMillis() * spread) - tookMillis);
        try {
            timer.schedule(() -> probe(t), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    private void record(ProbeTarget t, Probe.Result outcome) {
        if (closed) {
            return;
        }
        boolean ok = outcome.ok();
        String result = outcome.detail();
        double millis = outcome.latency().toNanos() / 1e6;
        metrics.probe(t.node(), ok, outcome.latency());
        HealthView before = view.get();
        NodeHealth old = before.nodes().get(t.node());
        NodeHealth now = old.next(ok, result, millis, Instant.now(), t.fall(), t.rise());
        Map<String, NodeHealth> nodes = new HashMap<>(before.nodes());
        nodes.put(t.node(), now);
        HealthView after = new HealthView(nodes);
        view.set(after);
        if (now.up() != old.up()) {
            metrics.nodeUp(t.node(), now.up());
            metrics.transition(t.node(), now.up());
            LOG.info("health: node {} {} -> {} ({} in a row: {}, {} ms)", t.node(), old.up() ? "up" : "down",
                    now.up() ? "up" : "down", now.streak(), result, String.format("%.1f", millis));
            onChange.accept(after);
        } else if (now.changing() != old.changing()) {
            onStreak.accept(after);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** True once no probe of this prober runs or is scheduled, so none can be sent any more. */
    boolean terminated() {
        return timer.isTerminated() && workers.isTerminated();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
