package geodns.geoip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GeoPointTest {

    static final GeoPoint LONDON = new GeoPoint(51.5074, -0.1278);
    static final GeoPoint SINGAPORE = new GeoPoint(1.3521, 103.8198);

    @Test
    void londonToSingaporeIsAbout10880Km() {
        // 10,880 km on the WGS 84 ellipsoid; a sphere of mean radius says 10,848: 0.3% off, plenty for ranking.
        assertEquals(10_880, LONDON.distanceKm(SINGAPORE), 50);
        assertEquals(LONDON.distanceKm(SINGAPORE), SINGAPORE.distanceKm(LONDON), 1e-9);
    }

    @Test
    void otherKnownDistances() {
        GeoPoint newYork = new GeoPoint(40.7128, -74.0060);
        GeoPoint sydney = new GeoPoint(-33.8688, 151.2093);
        assertEquals(5_570, LONDON.distanceKm(newYork), 15);
        assertEquals(6_300, SINGAPORE.distanceKm(sydney), 30);
        assertEquals(0, LONDON.distanceKm(LONDON), 1e-9);
        // Antipodes: half the circumference, and no NaN from rounding.
        assertEquals(Math.PI * GeoPoint.EARTH_RADIUS_KM, new GeoPoint(0, 0).distanceKm(new GeoPoint(0, 180)), 1e-6);
        assertEquals(Math.PI * GeoPoint.EARTH_RADIUS_KM, new GeoPoint(90, 0).distanceKm(new GeoPoint(-90, 0)), 1e-6);
    }

    @Test
    void acrossTheDateLineIsShort() {
        assertEquals(222, new GeoPoint(0, 179).distanceKm(new GeoPoint(0, -179)), 1);
    }

    @Test
    void rejectsCoordinatesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new GeoPoint(90.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new GeoPoint(0, -180.1));
        assertThrows(IllegalArgumentException.class, () -> new GeoPoint(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new GeoPoint(0, Double.POSITIVE_INFINITY));
    }
}
