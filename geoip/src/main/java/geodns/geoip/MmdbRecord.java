package geodns.geoip;

import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import java.util.List;
import java.util.Locale;

/**
 * Decodes the few fields we use from any of the database shapes we read, so one code path serves them all:
 * <ul>
 *   <li>GeoIP2/GeoLite2 City: {@code location.latitude/longitude}, {@code country.iso_code},
 *       {@code continent.code}, {@code subdivisions[0].iso_code} (and {@code registered_country.iso_code} when a
 *       record has no {@code country});
 *   <li>GeoIP2/GeoLite2 Country: the same without {@code location} and {@code subdivisions};
 *   <li>ip-location-db country MMDBs: top-level {@code country_code};
 *   <li>ip-location-db DB-IP city lite: top-level {@code country_code}, {@code latitude}, {@code longitude} (floats;
 *       its {@code state1} is a name, not an ISO code, so it gives no subdivision).
 * </ul>
 * MaxMind's decoder skips every field a constructor does not name and builds these with reflection through their
 * public constructors, which is why the nested classes are public though this holder is not.
 */
final class MmdbRecord {

    private MmdbRecord() {}

    public static final class Data {
        final Location location;
        final Code country;
        final Code registeredCountry;
        final Code continent;
        final List<Code> subdivisions;
        final String countryCode;
        final Number latitude;
        final Number longitude;

        @MaxMindDbConstructor
        public Data(@MaxMindDbParameter(name = "location") Location location,
                    @MaxMindDbParameter(name = "country") Code country,
                    @MaxMindDbParameter(name = "registered_country") Code registeredCountry,
                    @MaxMindDbParameter(name = "continent") Code continent,
                    @MaxMindDbParameter(name = "subdivisions") List<Code> subdivisions,
                    @MaxMindDbParameter(name = "country_code") String countryCode,
                    @MaxMindDbParameter(name = "latitude") Number latitude,
                    @MaxMindDbParameter(name = "longitude") Number longitude) {
            this.location = location;
            this.country = country;
            this.registeredCountry = registeredCountry;
            this.continent = continent;
            this.subdivisions = subdivisions;
            this.countryCode = countryCode;
            this.latitude = latitude;
            this.longitude = longitude;
        }
    }

    public static final class Location {
        final Number latitude;
        final Number longitude;

        // Number, not Double: DB-IP stores coordinates as 32-bit floats, MaxMind as doubles.
        @MaxMindDbConstructor
        public Location(@MaxMindDbParameter(name = "latitude") Number latitude,
                        @MaxMindDbParameter(name = "longitude") Number longitude) {
            this.latitude = latitude;
            this.longitude = longitude;
        }
    }

    /** A map with a code: {@code country}/{@code subdivisions[i]} have {@code iso_code}, {@code continent} {@code code}. */
    public static final class Code {
        final String value;

        @MaxMindDbConstructor
        public Code(@MaxMindDbParameter(name = "iso_code") String isoCode,
                    @MaxMindDbParameter(name = "code") String code) {
            this.value = isoCode != null ? isoCode : code;
        }
    }

    /** The place a decoded record gives, or null when it holds nothing we can use. */
    static GeoPlace toPlace(Data d) {
        if (d == null) {
            return null;
        }
        String country = firstCode(code(d.country), d.countryCode, code(d.registeredCountry));
        CountryTable.Entry entry = CountryTable.get(country);
        String continent = firstCode(code(d.continent), entry == null ? null : entry.continentCode());
        String subdivision = null;
        if (country != null && d.subdivisions != null && !d.subdivisions.isEmpty()) {
            String code = firstCode(code(d.subdivisions.get(0)));
            subdivision = code == null ? null : country + "-" + code;
        }
        GeoPoint point = d.location == null ? null : point(d.location.latitude, d.location.longitude);
        if (point == null) {
            point = point(d.latitude, d.longitude);
        }
        boolean fromCountry = false;
        if (point == null && entry != null) {
            point = entry.point();
            fromCountry = true;
        }
        if (point == null && country == null && continent == null) {
            return null;
        }
        return new GeoPlace(point, country, continent, subdivision, fromCountry);
    }

    private static String code(Code c) {
        return c == null ? null : c.value;
    }

    /** The first non-blank code, upper-cased (DB-IP writes "" for a field it does not know). */
    private static String firstCode(String... codes) {
        for (String c : codes) {
            if (c != null && !c.isBlank()) {
                return c.strip().toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** A float as the decimal it was written from (51.5143), not its binary expansion (51.51430130004883). */
    private static double toDouble(Number n) {
        return n instanceof Float f ? Double.parseDouble(f.toString()) : n.doubleValue();
    }

    private static GeoPoint point(Number latitude, Number longitude) {
        if (latitude == null || longitude == null) {
            return null;
        }
        double lat = toDouble(latitude);
        double lon = toDouble(longitude);
        // 0,0 ("Null Island", open sea) is how some databases write "unknown".
        if (!GeoPoint.isValid(lat, lon) || (lat == 0 && lon == 0)) {
            return null;
        }
        return new GeoPoint(lat, lon);
    }
}
