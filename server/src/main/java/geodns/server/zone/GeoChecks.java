package geodns.server.zone;

import geodns.server.config.ConfigError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/** Places each geo name in the zone that holds it, and rejects names that cannot be answered from there. */
final class GeoChecks {
    private GeoChecks() {}

    static Map<ZoneContent, List<GeoConfig.GeoName>> place(GeoConfig config, List<ZoneContent> zones,
                                                           List<ConfigError> errors) {
        Map<ZoneContent, List<GeoConfig.GeoName>> byZone = new HashMap<>();
        for (GeoConfig.GeoName spec : config.names()) {
            ConfigError error = problem(spec, zones, config.file());
            if (error != null) {
                errors.add(error);
                continue;
            }
            byZone.computeIfAbsent(closestZone(spec.name(), zones), z -> new java.util.ArrayList<>()).add(spec);
        }
        return byZone;
    }

    private static ConfigError problem(GeoConfig.GeoName spec, List<ZoneContent> zones, String file) {
        Name name = spec.name();
        ZoneContent zone = closestZone(name, zones);
        if (zone == null) {
            return new ConfigError(file, spec.line(), "geo name " + name + " is outside every zone");
        }
        if (name.isWild()) {
            return new ConfigError(file, spec.line(), "geo name " + name + " cannot be a wildcard");
        }
        for (PlacedRecord placed : zone.records()) {
            Name owner = placed.record().getName();
            if (owner.equals(name)) {
                return new ConfigError(file, spec.line(), "geo name " + name + " collides with zone data at "
                        + placed.file() + ":" + placed.line() + "; remove those records or the geo name");
            }
            boolean delegation = placed.record().getType() == org.xbill.DNS.Type.NS && !owner.equals(zone.origin());
            if (delegation && name.subdomain(owner)) {
                return new ConfigError(file, spec.line(), "geo name " + name + " is inside the delegation of " + owner
                        + " (" + placed.file() + ":" + placed.line() + ")");
            }
        }
        return null;
    }

    private static ZoneContent closestZone(Name name, List<ZoneContent> zones) {
        ZoneContent best = null;
        for (ZoneContent zone : zones) {
            boolean inside = name.subdomain(zone.origin());
            if (inside && (best == null || zone.origin().labels() > best.origin().labels())) {
                best = zone;
            }
        }
        return best;
    }
}
