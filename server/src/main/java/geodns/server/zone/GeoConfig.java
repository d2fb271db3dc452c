package geodns.server.zone;

import geodns.geoip.GeoPoint;
import geodns.geoip.Ranker;
import geodns.geoip.RankingPolicy;
import geodns.server.config.ConfigError;
import geodns.server.health.ProbeTarget;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The geo config ({@code geo.yaml} in the zones folder): where the cluster's locations are, and which names follow
 * the client.
 *
 * @param warnings what is valid but likely not meant (no geo names at all)
 * @param share    health: share: (pooling the other instances' probe verdicts), off without a secret
 */
record GeoConfig(String file, List<Location> locations, List<GeoName> names, List<ProbeTarget> probes,
                 List<ConfigError> warnings, geodns.server.health.ShareConfig share) {

    static GeoConfig none() {
        return new GeoConfig(null, List.of(), List.of(), List.of(), List.of(),
                geodns.server.health.ShareConfig.off());
    }

    /** The location of this name; the reader let no geo name list a location it does not declare. */
    Location location(String name) {
        return locations.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    /** Every node of a geo name's locations, in the config's order. */
    List<Node> nodes(GeoName name) {
        return name.locations().stream().flatMap(l -> location(l).nodes().stream()).toList();
    }

    /** The geo names as rankers, one per geo name, in the config's order (so by the index routing uses). */
    List<Ranker> rankers() {
        return names.stream().map(this::ranker).toList();
    }

    private Ranker ranker(GeoName spec) {
        List<geodns.geoip.Location> ranked = spec.locations().stream().map(this::location)
                .map(l -> new geodns.geoip.Location(l.name(), new GeoPoint(l.latitude(), l.longitude())))
                .toList();
        Overrides o = spec.overrides();
        return new Ranker(ranked, new RankingPolicy(o.continents(), o.countries(), o.subdivisions(),
                spec.unknownOrder()));
    }

    /** Places each geo name in the zone that holds it, and rejects names that cannot be answered from there. */
    Map<ZoneContent, List<GeoName>> placeNames(List<ZoneContent> zones, List<ConfigError> errors) {
        Map<ZoneContent, List<GeoName>> byZone = new HashMap<>();
        for (GeoName spec : names) {
            ConfigError error = problem(spec, zones);
            if (error != null) {
                errors.add(error);
                continue;
            }
            byZone.computeIfAbsent(closestZone(spec.name(), zones), z -> new ArrayList<>()).add(spec);
        }
        return byZone;
    }

    private ConfigError problem(GeoName spec, List<ZoneContent> zones) {
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
            boolean delegation = placed.record().getType() == Type.NS && !owner.equals(zone.origin());
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

    record Location(String name, double latitude, double longitude, List<Node> nodes, int line) {}

    /** A server of the cluster; either address may be absent, not both. */
    record Node(String name, Inet4Address ipv4, Inet6Address ipv6, int line) {}

    /**
     * A name answered with the nearest location's nodes.
     *
     * @param locations    the locations this name may answer with
     * @param overrides    operator's orders by continent ("EU"), country ("DE") or subdivision ("US-CA")
     * @param unknownOrder order for clients GeoIP cannot place
     * @param maxAnswers   how many addresses an answer carries at most (rotated), 0 for all
     * @param subdivisionsLine where its {@code subdivisions:} are, 0 when it has none (a country-level GeoIP
     *                     database never matches them)
     */
    record GeoName(Name name, long ttl, List<String> locations, Overrides overrides, List<String> unknownOrder,
                   int maxAnswers, int line, int subdivisionsLine) {}

    record Overrides(Map<String, List<String>> continents, Map<String, List<String>> countries,
                     Map<String, List<String>> subdivisions) {
        static Overrides none() {
            return new Overrides(Map.of(), Map.of(), Map.of());
        }
    }
}
