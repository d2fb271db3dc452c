package geodns.server.zone;

import geodns.server.answer.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Loads the zones folder into a new snapshot, or says exactly what is wrong with it. */
public final class Zones {
    private Zones() {}

    /** A snapshot when {@code errors} is empty; otherwise nothing to serve. */
    public record Loaded(Snapshot snapshot, List<ZoneError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public static Loaded load(Path dir) {
        List<ZoneError> errors = new ArrayList<>();
        List<ZoneContent> zones = new ArrayList<>(ZoneLoader.load(dir, errors));
        if (zones.isEmpty() && errors.isEmpty()) {
            errors.add(new ZoneError(dir.toString(), 0, "no *" + ZoneLoader.SUFFIX + " files"));
        }
        if (!errors.isEmpty()) {
            return new Loaded(null, List.copyOf(errors));
        }
        // Parents first, so a child zone we also serve replaces the parent's delegation to it.
        zones.sort(Comparator.comparingInt(z -> z.origin().labels()));
        Snapshot.Builder builder = new Snapshot.Builder();
        List<Snapshot.LoadedZone> loaded = new ArrayList<>();
        for (ZoneContent zone : zones) {
            ZoneCompiler.compile(zone, builder);
            loaded.add(new Snapshot.LoadedZone(zone.origin().toString(true), zone.soa().getSerial(),
                    zone.records().size(), zone.file()));
        }
        loaded.sort(Comparator.comparing(Snapshot.LoadedZone::name));
        return new Loaded(builder.build(loaded), List.of());
    }
}
