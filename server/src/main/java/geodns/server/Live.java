package geodns.server;

import geodns.geoip.GeoDatabase;
import geodns.server.answer.Snapshot;
import geodns.server.health.HealthView;
import geodns.server.health.Prober;
import geodns.server.zone.Zones;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    private final Path zonesDir;
    private final List<Path> geoipFiles;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final ScheduledExecutorService builder = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "snapshot-builder");
        t.setDaemon(true);
        return t;
    });

    // Owned by the builder thread after start.
    private Zones.Sources sources;
    private GeoDatabase database;
    private HealthView health = HealthView.allUp();
    private Prober prober;

    Live(Path zonesDir, List<Path> geoipFiles) {
        this.zonesDir = zonesDir;
        this.geoipFiles = List.copyOf(geoipFiles);
    }

    AtomicReference<Snapshot> snapshot() {
        return snapshot;
    }

    /** The first load; on failure the caller exits with the errors printed. */
    List<String> start() throws IOException {
        Zones.Read read = Zones.read(zonesDir);
        if (!read.ok()) {
            return read.errors().stream().map(Object::toString).toList();
        }
        database = openDatabase();
        LOG.info("geoip: {}", database.description());
        install(read.sources(), database);
        return List.of();
    }

    /** Re-reads the zones folder and the GeoIP DB; what fails to load is logged and the old snapshot stays. */
    Future<?> reload() {
        return builder.submit(() -> {
            Zones.Read read = Zones.read(zonesDir);
            if (!read.ok()) {
                read.errors().forEach(e -> LOG.error("reload failed: {}", e));
                return;
            }
            GeoDatabase newDatabase;
            try {
                newDatabase = geoipFiles.isEmpty() ? database : openDatabase();
            } catch (IOException e) {
                LOG.error("reload failed: GeoIP database: {}", e.getMessage());
                return;
            }
            GeoDatabase old = database;
            install(read.sources(), newDatabase);
            if (old != newDatabase) {
                closeLater(old);
            }
            LOG.info("reloaded {}", describe(snapshot.get()));
        });
    }

    private void install(Zones.Sources newSources, GeoDatabase newDatabase) {
        sources = newSources;
        database = newDatabase;
        if (prober != null) {
            prober.close();
        }
        prober = new Prober(sources.probes(), health, changed -> builder.submit(this::healthChanged));
        health = prober.view();
        snapshot.set(Zones.compile(sources, database, health));
        snapshot.get().zones().forEach(z -> LOG.info("serving zone {} serial {} ({} records)", z.name(), z.serial(),
                z.records()));
        prober.start();
    }

    /** Reads the current prober's view, so a late signal from a replaced prober changes nothing. */
    private void healthChanged() {
        HealthView view = prober.view();
        if (view.sameUpSet(health)) {
            return;
        }
        health = view;
        snapshot.set(Zones.compile(sources, database, health));
    }

    private GeoDatabase openDatabase() throws IOException {
        return geoipFiles.isEmpty() ? GeoDatabase.embedded() : GeoDatabase.open(geoipFiles);
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

    private static String describe(Snapshot s) {
        return s.zones().size() + " zone(s)";
    }

    @Override
    public void close() {
        builder.shutdownNow();
        if (prober != null) {
            prober.close();
        }
    }
}
