package geodns.geoip;

import java.util.Objects;

/**
 * A place the service runs (e.g. "london" at 51.5,-0.13): what ranking orders.
 *
 * @param bias Route 53's geoproximity bias, in percent (-99 to 99): ranking by distance uses the distance times
 *             {@code 1 - bias / 100}, so a positive bias widens the location's catchment and a negative one shrinks it
 */
public record Location(String name, GeoPoint point, int bias) {

    public Location {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a location needs a name");
        }
        Objects.requireNonNull(point, () -> "location " + name + " needs coordinates");
        if (bias < -99 || bias > 99) {
            throw new IllegalArgumentException("bias of " + name + " must be -99 to 99: " + bias);
        }
    }

    public Location(String name, GeoPoint point) {
        this(name, point, 0);
    }

    /** The distance ranking compares for a client {@code distanceKm} away (Route 53's biased distance). */
    public double biased(double distanceKm) {
        return bias == 0 ? distanceKm : distanceKm * (1 - bias / 100.0);
    }
}
