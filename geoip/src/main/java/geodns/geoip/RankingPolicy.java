package geodns.geoip;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a geo name orders its locations. With no overrides a client gets the locations nearest first (great-circle
 * distance). An override names the locations to prefer, in order, for clients of one continent, country or
 * country subdivision; the most specific one that matches wins. Clients whose place is unknown get
 * {@code defaultOrder}. Locations an applied list leaves out follow it, nearest first (or in default order when
 * the client has no point), so the server can still fail over to every location.
 *
 * <p>Keys are kept apart by kind because codes collide: "AS" is Asia and American Samoa, "NA" North America and
 * Namibia.
 *
 * @param byContinent   continent code (AF AN AS EU NA OC SA) -> location names
 * @param byCountry     ISO 3166-1 alpha-2 country code (e.g. "JP") -> location names
 * @param bySubdivision ISO 3166-2 code (e.g. "US-CA"; needs a City database) -> location names
 * @param defaultOrder  location names for clients of unknown place; locations left out follow in the order given
 * @throws IllegalArgumentException from the constructor for a malformed key or a list naming a location twice;
 *     keys are upper-cased. Whether the names exist is checked by {@link Ranker}.
 */
public record RankingPolicy(Map<String, List<String>> byContinent, Map<String, List<String>> byCountry,
                            Map<String, List<String>> bySubdivision, List<String> defaultOrder) {

    static final Set<String> CONTINENTS = Set.of("AF", "AN", "AS", "EU", "NA", "OC", "SA");

    public RankingPolicy {
        byContinent = normalize(byContinent, "continent", k -> CONTINENTS.contains(k));
        byCountry = normalize(byCountry, "country", k -> CountryCodes.COUNTRY_SHAPE.matcher(k).matches());
        bySubdivision = normalize(bySubdivision, "subdivision",
                k -> CountryCodes.SUBDIVISION_SHAPE.matcher(k).matches());
        defaultOrder = names(defaultOrder, "default order");
    }

    /** Nearest first for every client; unknown clients get the locations in the order the geo name lists them. */
    public static RankingPolicy nearest() {
        return new RankingPolicy(Map.of(), Map.of(), Map.of(), List.of());
    }

    private static Map<String, List<String>> normalize(Map<String, List<String>> map, String kind,
                                                       java.util.function.Predicate<String> valid) {
        if (map == null) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        map.forEach((key, list) -> {
            String k = key == null ? "" : key.strip().toUpperCase(Locale.ROOT);
            if (!valid.test(k)) {
                throw new IllegalArgumentException("bad " + kind + " code '" + key + "'" + switch (kind) {
                    case "continent" -> ": expected one of AF AN AS EU NA OC SA";
                    case "country" -> ": expected ISO 3166-1 alpha-2, like JP";
                    default -> ": expected ISO 3166-2, like US-CA";
                });
            }
            if (out.put(k, names(list, kind + " " + k)) != null) {
                throw new IllegalArgumentException("duplicate " + kind + " code " + k);
            }
        });
        return Map.copyOf(out);
    }

    private static List<String> names(List<String> names, String what) {
        if (names == null) {
            return List.of();
        }
        List<String> copy = List.copyOf(names);
        if (Set.copyOf(copy).size() != copy.size()) {
            throw new IllegalArgumentException(what + " names a location twice: " + copy);
        }
        return copy;
    }
}
