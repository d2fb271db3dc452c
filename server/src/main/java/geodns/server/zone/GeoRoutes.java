package geodns.server.zone;

import geodns.server.answer.GeoPolicy;
import geodns.server.answer.Routing;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The geo config's names as routing policies: location names become indices into each name's locations. */
final class GeoRoutes {
    private GeoRoutes() {}

    static List<GeoPolicy> of(GeoConfig config) {
        if (config == null) {
            return List.of();
        }
        return config.names().stream().map(spec -> policy(spec, config)).toList();
    }

    static Routing fixed(GeoConfig config) {
        return Routing.fixed(of(config).stream().map(GeoPolicy::unknown).toArray(int[][]::new));
    }

    private static GeoPolicy policy(GeoConfig.GeoName spec, GeoConfig config) {
        List<String> names = spec.locations();
        List<GeoPolicy.Site> sites = names.stream().map(name -> config.locations().stream()
                        .filter(l -> l.name().equals(name)).findFirst().orElseThrow())
                .map(l -> new GeoPolicy.Site(l.name(), l.latitude(), l.longitude())).toList();
        GeoConfig.Overrides o = spec.overrides();
        return new GeoPolicy(sites, indices(o.subdivisions(), names), indices(o.countries(), names),
                indices(o.continents(), names), indices(spec.unknownOrder(), names));
    }

    private static Map<String, int[]> indices(Map<String, List<String>> orders, List<String> names) {
        Map<String, int[]> result = new LinkedHashMap<>();
        orders.forEach((key, order) -> result.put(key, indices(order, names)));
        return Map.copyOf(result);
    }

    private static int[] indices(List<String> order, List<String> names) {
        return order.stream().mapToInt(names::indexOf).toArray();
    }
}
