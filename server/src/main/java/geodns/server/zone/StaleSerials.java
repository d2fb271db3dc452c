package geodns.server.zone;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Zones whose content changed while their serial did not: served here at once, but a secondary compares serials
 * and never transfers the change. Remembers, per zone, the content it had when its serial was first seen; a zone
 * is stale while it differs from that and the serial is the same (a new serial, or the old content back, ends
 * it). Used by one thread, the one that loads.
 */
public final class StaleSerials {
    private final Map<String, ZoneVersion> firstOfSerial = new HashMap<>();
    private final Map<String, ZoneVersion> previous = new HashMap<>();
    private volatile Set<String> stale = Set.of();

    /**
     * The versions of a load that is about to serve; {@code warn} gets one line for each zone whose content this
     * load changed without a new serial. Returns the stale zones, sorted.
     */
    public Set<String> loaded(List<ZoneVersion> versions, Consumer<String> warn) {
        Set<String> now = new TreeSet<>();
        Map<String, ZoneVersion> seen = new HashMap<>();
        for (ZoneVersion v : versions) {
            seen.put(v.zone(), v);
            ZoneVersion first = firstOfSerial.get(v.zone());
            if (first == null || first.serial() != v.serial()) {
                firstOfSerial.put(v.zone(), v);
                continue;
            }
            ZoneVersion before = previous.get(v.zone());
            if (before != null && before.serial() == v.serial() && !before.digest().equals(v.digest())) {
                warn.accept("zone " + v.zone() + ": content changed but serial " + v.serial() + " did not:"
                        + " served here, but secondaries will not transfer it until the serial is raised");
            }
            if (!first.digest().equals(v.digest())) {
                now.add(v.zone());
            }
        }
        firstOfSerial.keySet().retainAll(seen.keySet());
        previous.clear();
        previous.putAll(seen);
        stale = Set.copyOf(now);
        return now;
    }

    /** The zones stale after the last load. */
    public Set<String> stale() {
        return stale;
    }
}
