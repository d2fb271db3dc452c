package geodns.server.zone;

import geodns.server.answer.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import geodns.geoip.GeoDatabase;
import geodns.server.answer.GeoRouting;
import geodns.server.answer.Routing;

/** Loads the zones folder into a new snapshot, or says exactly what is wrong with it. */
public final class Zones {
    private Zones() {}

    /** A snapshot when {@code errors} is empty; otherwise nothing to serve. */
    public record Loaded(Snapshot snapshot, List<ZoneError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Loads with every client placed at "unknown": geo names answer with their configured default order. */
    public static Loaded load(Path dir) {
        return load(dir, null);
    }

    /** @param database places clients for geo names; null gives every client the configured default order */
    public static Loaded load(Path dir, GeoDatabase database) {
        List<ZoneError> errors = new ArrayList<>();
        List<ZoneContent> zones = new ArrayList<>(ZoneLoader.load(dir, errors));
        GeoConfig geo = GeoConfigReader.read(dir, errors);
        if (zones.isEmpty() && errors.isEmpty()) {
            errors.add(new ZoneError(dir.toString(), 0, "no *" + ZoneLoader.SUFFIX + " files"));
        }
        Map<ZoneContent, Map<Name, GeoTarget>> geoByZone = geo == null ? Map.of() : GeoChecks.place(geo, zones, errors);
        if (!errors.isEmpty()) {
            return new Loaded(null, List.copyOf(errors));
        }
        // Parents first, so a child zone we also serve replaces the parent's delegation to it.
        zones.sort(Comparator.comparingInt(z -> z.origin().labels()));
        Snapshot.Builder builder = new Snapshot.Builder();
        List<Snapshot.LoadedZone> loaded = new ArrayList<>();
        for (ZoneContent zone : zones) {
            ZoneCompiler.compile(zone, geoByZone.getOrDefault(zone, Map.of()), builder);
            loaded.add(new Snapshot.LoadedZone(zone.origin().toString(true), zone.soa().getSerial(),
                    zone.records().size(), zone.file()));
        }
        loaded.sort(Comparator.comparing(Snapshot.LoadedZone::name));
        Routing routing = new GeoRouting(database, GeoRoutes.of(geo));
        return new Loaded(builder.build(loaded, routing), List.of());
    }
}
