package geodns.geoip;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ISO 3166-1 alpha-2 -> representative point and continent, from the resource country-points.csv (sources and
 * licences in country-points.LICENSE.txt beside it). Places the records of country-only databases.
 */
final class CountryTable {

    record Entry(String code, GeoPoint point, String continentCode) {}

    static final String RESOURCE = "/geodns/geoip/country-points.csv";

    private CountryTable() {}

    /** The entry for a country code in any letter case, or null. */
    static Entry get(String countryCode) {
        return countryCode == null ? null : Holder.TABLE.get(countryCode.toUpperCase(Locale.ROOT));
    }

    /** Every code the table knows, sorted. */
    static java.util.List<String> codes() {
        return Holder.TABLE.keySet().stream().sorted().toList();
    }

    static int size() {
        return Holder.TABLE.size();
    }

    /** Loaded on first use; a missing or broken resource is a packaging bug, so it fails loudly. */
    private static final class Holder {
        static final Map<String, Entry> TABLE = load();
    }

    private static Map<String, Entry> load() {
        try (InputStream in = CountryTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the geoip jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, Entry> table = new HashMap<>();
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(",");
                if (f.length != 4) {
                    throw new IllegalStateException(RESOURCE + ":" + lineNumber + ": expected 4 fields: " + line);
                }
                GeoPoint point = new GeoPoint(Double.parseDouble(f[1]), Double.parseDouble(f[2]));
                table.put(f[0], new Entry(f[0], point, f[3]));
            }
            return Map.copyOf(table);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
        }
    }
}
