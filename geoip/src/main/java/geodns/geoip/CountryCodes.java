package geodns.geoip;

/**
 * The country codes a GeoIP database can report: ISO 3166-1 alpha-2 (all 249) and XK (Kosovo, user-assigned, used
 * by MaxMind and DB-IP). One source: the codes of {@link CountryTable}, which places the records of country-level
 * databases, so a code geo.yaml accepts is a code a client can be placed in.
 */
public final class CountryCodes {
    private CountryCodes() {}

    /** Whether {@code code} is such a code, written as databases write it: two upper-case letters. */
    public static boolean contains(String code) {
        return code != null && code.length() == 2 && code.equals(code.toUpperCase(java.util.Locale.ROOT))
                && CountryTable.get(code) != null;
    }
}
