package geodns.geoip;

/**
 * Where a GeoIP database places an address: what the ranking needs, nothing more.
 *
 * @param point            coordinates, or null when neither the record nor its country gives any
 * @param countryCode      ISO 3166-1 alpha-2 (e.g. "JP"), or null
 * @param continentCode    MaxMind's continent code (AF AN AS EU NA OC SA), or null
 * @param subdivisionCode  ISO 3166-2 code with its country (e.g. "US-CA"), or null; only GeoIP2/GeoLite2 City has it
 * @param pointFromCountry true when the record had no coordinates and {@code point} is its country's representative
 *                         point from the embedded country table
 */
public record GeoPlace(GeoPoint point, String countryCode, String continentCode, String subdivisionCode,
                       boolean pointFromCountry) {

    /**
     * The place a country-only database gives an address in this country: the country's representative point and
     * continent from the embedded table. Null for a code the table does not know. Handy for an explain page
     * ("what would a client in JP get?") and for tests.
     */
    public static GeoPlace ofCountry(String countryCode) {
        CountryTable.Entry entry = CountryTable.get(countryCode);
        return entry == null ? null
                : new GeoPlace(entry.point(), entry.code(), entry.continentCode(), null, true);
    }

    /** The codes {@link #ofCountry} knows, sorted: every country a catchment map can place. */
    public static java.util.List<String> countryCodes() {
        return CountryTable.codes();
    }
}
