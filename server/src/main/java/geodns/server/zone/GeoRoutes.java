package geodns.server.zone;

import geodns.geoip.GeoPoint;
import geodns.geoip.Location;
import geodns.geoip.Ranker;
import geodns.geoip.RankingPolicy;
import java.util.List;

/** The geo config's names as rankers, one per geo name, in the config's order. */
final class GeoRoutes {
    private GeoRoutes() {}

    static List<Ranker> of(GeoConfig config) {
        if (config == null) {
            return List.of();
        }
        return config.names().stream().map(spec -> ranker(spec, config)).toList();
    }

    private static Ranker ranker(GeoConfig.GeoName spec, GeoConfig config) {
        List<Location> locations = spec.locations().stream()
                .map(name -> config.locations().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow())
                .map(l -> new Location(l.name(), new GeoPoint(l.latitude(), l.longitude())))
                .toList();
        GeoConfig.Overrides o = spec.overrides();
        return new Ranker(locations, new RankingPolicy(o.continents(), o.countries(), o.subdivisions(),
                spec.unknownOrder()));
    }
}
