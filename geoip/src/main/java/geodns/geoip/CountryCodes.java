package geodns.geoip;

import java.util.regex.Pattern;

/**
 * The country codes a GeoIP database can report: ISO 3166-1 alpha-2 (all 249) and XK (Kosovo, user-assigned, used
 * by MaxMind and DB-IP). One source: the codes of {@link CountryTable}, which places the records of country-level
 * databases, so a code geo.yaml accepts is a code a client can be placed in.
 */
public final class CountryCodes {
    /** The shape of a country code (not whether it is one: {@link #contains}). */
    public static final Pattern COUNTRY_SHAPE = Pattern.compile("[A-Z]{2}");
    /** The shape of an ISO 3166-2 subdivision code, like US-CA or GB-SCT; group 1 is its country. */
    public static final Pattern SUBDIVISION_SHAPE = Pattern.compile("([A-Z]{2})-[A-Z0-9]{1,3}");

    private CountryCodes() {}

    /** Whether {@code code} is such a code, written as databases write it: two upper-case letters. */
    public static boolean contains(String code) {
        return code != null && code.length() == 2 && code.equals(code.toUpperCase(java.util.Locale.ROOT))
                && CountryTable.get(code) != null;
    }
}
