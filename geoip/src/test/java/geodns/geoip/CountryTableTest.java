package geodns.geoip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CountryTableTest {

    static CountryTable.Entry entry(String code) {
        return CountryTable.get(code);
    }

    @Test
    void knowsCountriesAndTheirContinents() {
        assertTrue(CountryTable.size() >= 245, "size " + CountryTable.size());
        assertEquals("EU", entry("GB").continentCode());
        assertEquals("EU", entry("RU").continentCode(), "as MaxMind has it");
        assertEquals("NA", entry("US").continentCode());
        assertEquals("SA", entry("BR").continentCode());
        assertEquals("OC", entry("AU").continentCode());
        assertEquals("AF", entry("NG").continentCode());
        assertEquals("AS", entry("JP").continentCode());
        assertEquals("AN", entry("AQ").continentCode());
        assertEquals("EU", entry("gb").continentCode(), "any letter case");
        // Big countries sit at their main population centre, not their area centroid.
        assertTrue(entry("RU").point().distanceKm(new GeoPoint(55.7558, 37.6173)) < 10, "Moscow");
        assertTrue(entry("AU").point().distanceKm(new GeoPoint(-33.8688, 151.2093)) < 10, "Sydney");
        assertTrue(entry("FR").point().distanceKm(new GeoPoint(48.8566, 2.3522)) < 400, "France's centre");
    }

    public static final class CountryCode {
        final String code;

        @MaxMindDbConstructor
        public CountryCode(@MaxMindDbParameter(name = "country_code") String code) {
            this.code = code;
        }
    }

    /** So a refresh of the embedded DB cannot bring a country the table cannot place. */
    @Test
    void coversEveryCountryOfTheEmbeddedDatabase() throws Exception {
        Set<String> missing = new TreeSet<>();
        int networks = 0;
        try (InputStream in = getClass().getResourceAsStream(GeoDatabase.EMBEDDED_RESOURCE);
             Reader reader = new Reader(in)) {
            Networks<CountryCode> it = reader.networks(false, CountryCode.class);
            while (it.hasNext()) {
                DatabaseRecord<CountryCode> r = it.next();
                networks++;
                String code = r.getData().code;
                if (code != null && !code.isEmpty() && entry(code) == null) {
                    missing.add(code);
                }
            }
        }
        assertTrue(networks > 100_000, "networks " + networks);
        assertEquals(Set.of(), missing);
    }
}
