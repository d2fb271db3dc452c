package geodns.geoip;

import java.util.Objects;

/** A place the service runs (e.g. "london" at 51.5,-0.13): what ranking orders. */
public record Location(String name, GeoPoint point) {

    public Location {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a location needs a name");
        }
        Objects.requireNonNull(point, () -> "location " + name + " needs coordinates");
    }
}
