package geodns.server.answer;

import java.util.List;
import java.util.Map;

/**
 * Where one geo name sends the clients of each country now, as the answers of one snapshot do: routing
 * (nearest, overrides) and health (locations skipped, fail-open) included. A client is placed at its country's
 * representative point, as a country-only GeoIP record places it; a City database may place some closer.
 *
 * @param locationsUp every location of the name, in the config's order, and whether any of its nodes is up
 * @param byCountry   ISO 3166-1 code to the location that answers its clients (A, or AAAA where a name has no
 *                    A anywhere); a country no location answers is absent. A spilled country's clients are
 *                    spread over several: here the first of them, all of them in {@code spilled}
 * @param spill       over how many locations the name spreads a down location's clients (0: it does not)
 * @param spilled     ISO 3166-1 code to the locations its clients are spread over now (their first location is
 *                    down and the name spills); only such countries
 */
public record Catchment(String name, boolean failOpen, Map<String, Boolean> locationsUp,
                        Map<String, String> byCountry, int spill, Map<String, List<String>> spilled) {

    public Catchment {
        locationsUp = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(locationsUp));
        byCountry = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byCountry));
        spilled = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(spilled));
    }
}
