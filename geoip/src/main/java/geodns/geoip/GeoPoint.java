package geodns.geoip;

/**
 * A point on the Earth in decimal degrees (WGS 84, as GeoIP databases and maps give them).
 *
 * @throws IllegalArgumentException from the constructor for a latitude outside [-90, 90], a longitude outside
 *     [-180, 180] or a value that is not a finite number, so a bad coordinate in a config file is caught on load
 */
public record GeoPoint(double latitude, double longitude) {

    /** The IUGG mean Earth radius: the usual choice for great-circle distances on a sphere. */
    static final double EARTH_RADIUS_KM = 6371.0088;

    public GeoPoint {
        if (!isValid(latitude, longitude)) {
            throw new IllegalArgumentException("coordinates out of range: latitude " + latitude + " must be in"
                    + " [-90, 90] and longitude " + longitude + " in [-180, 180]");
        }
    }

    static boolean isValid(double latitude, double longitude) {
        // Written so that NaN fails every comparison and so is rejected.
        return latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180;
    }

    /** Great-circle distance in kilometres (haversine formula: well-conditioned for short distances too). */
    public double distanceKm(GeoPoint other) {
        double phi1 = Math.toRadians(latitude);
        double phi2 = Math.toRadians(other.latitude);
        double sinHalfDPhi = Math.sin((phi2 - phi1) / 2);
        double sinHalfDLambda = Math.sin(Math.toRadians(other.longitude - longitude) / 2);
        double h = sinHalfDPhi * sinHalfDPhi + Math.cos(phi1) * Math.cos(phi2) * sinHalfDLambda * sinHalfDLambda;
        // min(): rounding can push h a hair above 1 for antipodal points, and asin(>1) is NaN.
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    @Override
    public String toString() {
        return latitude + "," + longitude;
    }
}
