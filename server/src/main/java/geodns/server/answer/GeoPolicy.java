package geodns.server.answer;

import java.util.List;
import java.util.Map;

/**
 * How one geo name ranks its locations for a client: nearest first by default; an operator's order for a
 * subdivision, country or continent wins over distance (most specific first); {@code unknown} for clients GeoIP
 * cannot place. Orders are indices into {@code sites}.
 */
public record GeoPolicy(List<Site> sites, Map<String, int[]> subdivisions, Map<String, int[]> countries,
                        Map<String, int[]> continents, int[] unknown) {

    public record Site(String name, double latitude, double longitude) {}
}
