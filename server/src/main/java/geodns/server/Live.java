package geodns.server;

import geodns.geoip.GeoDatabase;
import geodns.server.admin.Status;
import geodns.server.route.Routing;
import geodns.server.answer.Snapshot;
import geodns.server.health.HealthView;
import geodns.server.health.Prober;
import geodns.server.health.ShareConfig;
import geodns.server.health.SharedHealth;
import geodns.server.metrics.Metrics;
import geodns.server.transfer.Notifier;
import geodns.server.config.Fingerprint;
import geodns.server.config.HeapBudget;
import geodns.server.config.Inputs;
import geodns.server.zone.StaleSerials;
import geodns.server.zone.Zones;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is served now, and the one thread that changes it: a reload (new files, new GeoIP DB) or a health change
 * builds a complete new snapshot off the hot path and swaps it in with one atomic write. A failed reload keeps
 * the old snapshot serving.
 */
final class Live implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("geodns");
    private static final long WATCH_MILLIS = 2000;

    private final Path zonesDir;
    private final List<Path> geoipFiles;
    private final Metrics metrics;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final AtomicReference<Status.Load> lastLoad = new AtomicReference<>();
    private final AtomicReference<Prober> prober = new AtomicReference<>();
    /** Pooling verdicts with the other instances (health: share:), null while off. */
    private final AtomicReference<SharedHealth> shared = new AtomicReference<>();
    /** This instance's name to its peers (--instance). */
    private final String instance;
    private final Notifier notifier;
    private final ScheduledExecutorService builder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "snapshot-builder");
        t.setDaemon(true);
        return t;
    });

    // Written by the builder thread only; volatile so the status page reads them.
    private volatile Zones.Sources sources;
    private volatile GeoDatabase database;
    /** Why no GeoIP database places clients (one was dropped as damaged), or null while one does. */
    private volatile String geoipProblem;
    private final GeoipFaults geoipFaults;
    private final java.util.concurrent.atomic.AtomicBoolean checkQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private Routing routing;
    private HealthView health = HealthView.allUp();
    /** What the last load read (every file after a failed one), and their stamps from just before it. */
    private Inputs watched;
    private Fingerprint fingerprint;
    private final StaleSerials staleSerials = new StaleSerials();
    /** Set once DNS listens: a NOTIFY before then would send secondaries to a server not yet answering. */
    private boolean serving;

    private final int maxRecords;

    Live(Path zonesDir, List<Path> geoipFiles, int maxRecords, Metrics metrics) {
        this(zonesDir, geoipFiles, maxRecords, metrics, "geodns");
    }

    /** @param instance this instance's name, as its peers know it (--instance) */
    Live(Path zonesDir, List<Path> geoipFiles, int maxRecords, Metrics metrics, String instance) {
        this.instance = instance;
        this.zonesDir = zonesDir;
        this.maxRecords = maxRecords;
        this.geoipFiles = List.copyOf(geoipFiles);
        this.metrics = metrics;
        this.notifier = new Notifier(metrics);
        this.geoipFaults = new GeoipFaults(metrics, this::checkSoon);
        metrics.geoipDatabaseInUse(() -> geoipProblem == null);
    }

    AtomicReference<Snapshot> snapshot() {
        return snapshot;
    }

    /** The outcome of the last load, or null before the first. */
    Status.Load lastLoad() {
        return lastLoad.get();
    }

    /** The current health of every probed node (empty when nothing is probed); merged with peers' when shared. */
    HealthView health() {
        SharedHealth s = shared.get();
        if (s != null) {
            return s.merged();
        }
        Prober p = prober.get();
        return p == null ? HealthView.allUp() : p.view();
    }

    /** Who sees what (health: share:), or null while sharing is off. */
    SharedHealth.Sharing sharing() {
        SharedHealth s = shared.get();
        return s == null ? null : s.sharing();
    }

    /** This instance's own view signed for a peer that asked with {@code nonce}; null while sharing is off. */
    SharedHealth.Signed peerView(String nonce) {
        SharedHealth s = shared.get();
        return s == null ? null : s.publish(nonce);
    }

    /** The locations and nodes of the config serving, none before the first load. */
    List<Zones.Site> sites() {
        Zones.Sources read = sources;
        return read == null ? List.of() : read.sites();
    }

    /** The zones whose file changed without a new serial. */
    Set<String> staleZones() {
        return staleSerials.stale();
    }

    /**
     * The GeoIP database placing clients, as /status names it: its description and attribution, or (both null)
     * why none does. Not the database itself, which is closed soon after a reload replaces it.
     */
    record Geoip(String description, String attribution, String problem) {}

    Geoip geoip() {
        GeoDatabase db = database;
        String problem = geoipProblem;
        return new Geoip(db == null ? null : db.description(), db == null ? null : db.attribution(), problem);
    }

    /** The first load; on failure the caller exits with the errors printed. */
    List<String> start() throws IOException {
        watched = Inputs.everything(zonesDir).and(geoipFiles);
        HeapBudget heap = HeapBudget.forThisHeap();
        Zones.Read read = readWatching(heap);
        if (!read.ok()) {
            return read.errors().stream().map(Object::toString).toList();
        }
        GeoDatabase opened = openDatabase();
        try {
            install(read.sources(), opened, heap);
        } catch (HeapBudget.Exceeded e) {
            opened.close();
            return List.of(e.error().toString());
        }
        LOG.info("geoip: {}; snapshot: {} of the {} MiB it may take", database.description(), mib(heap.used()),
                heap.limit() >> 20);
        builder.scheduleWithFixedDelay(this::reloadIfChanged, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        return List.of();
    }

    /** DNS is listening: NOTIFY the secondaries of every zone now, and of every new serial from here on. */
    void serving() {
        builder.execute(() -> {
            serving = true;
            notifier.loaded(sources.transfers());
        });
    }

    /** Re-reads the zones folder and the GeoIP DB; what fails to load is logged and the old snapshot stays. */
    Future<?> reload() {
        return builder.submit(this::reloadIfAsked);
    }

    private void reloadIfAsked() {
        try {
            reloadNow();
        } catch (Throwable t) {
            failed(List.of("reload: " + t));
        }
    }

    /**
     * A lookup faulted on the mapped GeoIP file (cut short under us): check the files now rather than at the next
     * poll. Called on answering threads: queues one check at a time, never blocks, never throws.
     */
    private void checkSoon() {
        if (checkQueued.compareAndSet(false, true)) {
            try {
                builder.execute(() -> {
                    checkQueued.set(false);
                    reloadIfChanged();
                });
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                checkQueued.set(false);
            }
        }
    }

    /** Never throws: an escaping error would cancel the periodic check for good. */
    private void reloadIfChanged() {
        try {
            Fingerprint now = Fingerprint.of(zonesDir, watched.files());
            if (!now.only(watched).equals(fingerprint.only(watched))) {
                LOG.info("change in {} noticed: reloading", zonesDir);
                reloadNow();
            }
        } catch (Throwable t) {
            failed(List.of("reload: " + t));
        }
    }

    private void reloadNow() {
        HeapBudget heap = HeapBudget.forThisHeap();
        Zones.Read read = readWatching(heap);
        List<String> errors = new ArrayList<>(read.errors().stream().map(Object::toString).toList());
        GeoDatabase newDatabase = database;
        String geoipError = null;
        if (!geoipFiles.isEmpty()) {
            try {
                newDatabase = openDatabase();
            } catch (IOException e) {
                geoipError = e.getMessage();
                errors.add("GeoIP database: " + geoipError);
                newDatabase = null;
            }
        }
        if (!errors.isEmpty()) {
            failed(errors);
            boolean damaged = database != null && database.changedInPlace();
            if (damaged || database == null && newDatabase != null) {
                replaceDatabase(damaged, newDatabase, geoipError);
            } else if (newDatabase != null && newDatabase != database) {
                closeLater(newDatabase);
            }
            return;
        }
        GeoDatabase old = database;
        try {
            install(read.sources(), newDatabase, heap);
        } catch (HeapBudget.Exceeded e) {
            if (newDatabase != old) {
                closeLater(newDatabase);
            }
            watched = Inputs.everything(zonesDir).and(geoipFiles);
            failed(List.of(e.error().toString()));
            return;
        }
        geoipProblem = null;
        if (old != null && old != newDatabase) {
            closeLater(old);
        }
        metrics.reload(true);
        LOG.info("reloaded: {} zone(s), geoip {}, {} of the {} MiB a snapshot may take", snapshot.get().zones().size(),
                database.description(), mib(heap.used()), heap.limit() >> 20);
    }

    /**
     * The DB file in use was written over in place, and the reload that noticed failed: the old snapshot must not
     * keep reading it, since its mapping now reads whatever was written (wrong places, faults past a cut-short
     * end). Not a private copy made at load: that costs the DB's size again (50-130 MB for a City DB, in a pod
     * of 192 MiB), on every load, to cover a mistake the README warns against. So the current config keeps
     * serving with the new DB if it opened (the zones were what failed), else with none: every client gets each
     * name's unknown order, within one poll of the write, shown on /status, counted, until the file is fixed.
     */
    private void replaceDatabase(boolean damaged, GeoDatabase replacement, String why) {
        GeoDatabase old = database;
        if (damaged) {
            metrics.geoipErrors("changed_in_place").increment();
        }
        database = replacement;
        routing = Zones.routing(sources, database, metrics);
        snapshot.set(Zones.compile(sources, routing, health, metrics));
        // After the swap: what /status and /metrics say is then already what answers do.
        if (replacement == null) {
            geoipProblem = "the GeoIP database " + String.join(", ", geoipFiles.stream().map(Path::toString)
                    .toList()) + " was written over in place and cannot be read (" + why
                    + "); every client gets each name's unknown order until it is fixed";
            LOG.error("geoip: {}", geoipProblem);
        } else {
            geoipProblem = null;
            LOG.warn("geoip: serving {} with the previous zones", replacement.description());
        }
        if (old != null) {
            closeLater(old);
        }
    }

    /**
     * Stamps taken before the read, so an edit made while it reads is noticed at the next check. A read that
     * throws leaves every file watched from these stamps: the same failure is not retried until a file changes.
     */
    private Zones.Read readWatching(HeapBudget heap) {
        Fingerprint before = Fingerprint.of(zonesDir, watched.files());
        watched = Inputs.everything(zonesDir).and(geoipFiles);
        fingerprint = before.withAlso(watched.files());
        Zones.Read read = Zones.read(zonesDir, maxRecords, heap);
        watched = read.inputs().and(geoipFiles);
        fingerprint = before.withAlso(watched.files());
        return read;
    }

    private void failed(List<String> errors) {
        errors.forEach(e -> LOG.error("reload failed, still serving the previous config: {}", e));
        metrics.reload(false);
        Status.Load previous = lastLoad.get();
        lastLoad.set(new Status.Load(Instant.now(), false, errors, previous == null ? List.of() : previous.warnings()));
    }

    /**
     * Compiles, then swaps. The compile counts against {@code heap} and may stop with {@link HeapBudget.Exceeded};
     * then nothing has changed: the old snapshot, sources, DB and prober stay.
     */
    private void install(Zones.Sources newSources, GeoDatabase newDatabase, HeapBudget heap) {
        Prober fresh = proberFor(newSources);
        HealthView view = (fresh != null ? fresh : prober.get()).view();
        SharedHealth running = shared.get();
        boolean sameSharing = running != null ? running.config().equals(newSources.share()) : !newSources.share().on();
        if (sameSharing && running != null) {
            view = running.merged();
        }
        Routing newRouting = Zones.routing(newSources, newDatabase, metrics);
        Snapshot built;
        try {
            built = Zones.compile(newSources, newRouting, view, metrics, heap);
        } catch (HeapBudget.Exceeded e) {
            if (fresh != null) {
                fresh.close();
            }
            throw e;
        }
        if (fresh != null) {
            Prober old = prober.getAndSet(fresh);
            if (old != null) {
                old.close();
            }
        }
        if (!sameSharing) {
            replaceSharing(newSources.share());
        }
        sources = newSources;
        database = newDatabase;
        health = view;
        routing = newRouting;
        snapshot.set(built);
        snapshot.get().zones().forEach(z -> LOG.info("serving zone {} serial {} ({} records)", z.name(), z.serial(),
                z.records()));
        metrics.zoneSerials(snapshot.get().zones().stream()
                .collect(java.util.stream.Collectors.toMap(Snapshot.LoadedZone::name, Snapshot.LoadedZone::serial)));
        Set<String> stale = staleSerials.loaded(sources.versions(), LOG::warn);
        metrics.zonesSerialStale(snapshot.get().zones().stream().map(Snapshot.LoadedZone::name).toList(), stale);
        List<String> warnings = sources.warnings(database).stream().map(Object::toString).toList();
        warnings.forEach(w -> LOG.warn("config warning: {}", w));
        lastLoad.set(new Status.Load(Instant.now(), true, List.of(), warnings));
        if (serving) {
            notifier.loaded(sources.transfers());
        }
        if (fresh != null) {
            fresh.start();
            SharedHealth s = shared.get();
            if (s != null) {
                s.ownChanged();
            }
        }
    }

    /**
     * Starts pooling with the peers of {@code config} (or stops, when off). A new pool starts from this instance's
     * own view, as after a start: the views of the old one were checked against its secret and peers.
     */
    private void replaceSharing(ShareConfig config) {
        SharedHealth next = config.on() ? new SharedHealth(config, instance, () -> prober.get().view(), metrics,
                () -> builder.submit(this::healthChanged)) : null;
        SharedHealth old = shared.getAndSet(next);
        if (old != null) {
            old.close();
            LOG.info("shared health: {}", next == null ? "off: this instance's own view alone from now"
                    : "peers or secret changed: starting over");
        }
        if (next != null) {
            next.start();
        }
    }

    /**
     * A load that probes the same nodes the same way keeps the running prober: a reload does not restart the
     * probes, nor forget the failures of a node on its way down. Returns the new prober, not yet started, or
     * null to keep the running one.
     */
    private Prober proberFor(Zones.Sources newSources) {
        Prober old = prober.get();
        if (old != null && old.targets().equals(newSources.probes())) {
            return null;
        }
        HealthView known = old == null ? HealthView.allUp() : old.carriedTo(newSources.probes());
        return new Prober(newSources.probes(), known, metrics, changed -> {
            SharedHealth s = shared.get();
            if (s != null) {
                s.ownChanged();  // which calls healthChanged if the merged verdict changes
            } else {
                builder.submit(this::healthChanged);
            }
        });
    }

    /**
     * Reads the current view (the prober's, or the merged one while shared), so a late signal from a replaced
     * prober or pool changes nothing.
     */
    private void healthChanged() {
        HealthView view = health();
        if (view.sameUpSet(health)) {
            return;
        }
        health = view;
        Snapshot before = snapshot.get();
        snapshot.set(Zones.compile(sources, routing, health, metrics));
        List<String> open = snapshot.get().failOpen();
        before.failOpen().stream().filter(name -> !open.contains(name)).forEach(name -> LOG.info(
                "fail-open over: a node of {} is up again; answering only nodes that are up", name));
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private GeoDatabase openDatabase() throws IOException {
        return geoipFiles.isEmpty() ? GeoDatabase.embedded(geoipFaults) : GeoDatabase.open(geoipFiles, geoipFaults);
    }

    /** Queries in flight may still read the old DB through the old snapshot; give them time to finish. */
    private void closeLater(GeoDatabase old) {
        builder.schedule(() -> {
            try {
                old.close();
            } catch (IOException e) {
                LOG.warn("closing old GeoIP database: {}", e.getMessage());
            }
        }, 10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        builder.shutdownNow();
        notifier.close();
        SharedHealth s = shared.get();
        if (s != null) {
            s.close();
        }
        Prober p = prober.get();
        if (p != null) {
            p.close();
        }
    }
}
