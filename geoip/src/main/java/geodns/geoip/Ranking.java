package geodns.geoip;

import java.util.List;

/**
 * Locations in preference order for one client, and why.
 *
 * @param rule      what decided the order: "nearest", "subdivision US-CA", "country JP", "continent EU" or
 *                  "default" (client place unknown)
 * @param locations every location of the geo name, most preferred first
 */
public record Ranking(String rule, List<Ranked> locations) {

    public Ranking {
        locations = List.copyOf(locations);
    }

    /** The most preferred location. */
    public Location first() {
        return locations.get(0).location();
    }

    /**
     * A location and its great-circle distance from the client.
     *
     * @param distanceKm kilometres from the client's point, or NaN when the client has no point
     */
    public record Ranked(Location location, double distanceKm) {
        /** What nearest-first ranking compared: the distance with the location's bias applied. */
        public double biasedKm() {
            return location.biased(distanceKm);
        }
    }
}
