package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import geodns.geoip.GeoDatabase;
import geodns.server.answer.Catchment;
import geodns.server.answer.Snapshot;
import geodns.server.health.HealthView;
import geodns.server.testing.Dns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot's catchments (where each geo name sends each country's clients, for the status page) and its
 * fail-open names, for hand-made health views: the config of {@link GeoAnswersTest}, a country placed at its
 * representative point as a country-level GeoIP record places it.
 */
class CatchmentsTest {
    @TempDir
    static Path dir;
    static Zones.Sources sources;
    static GeoDatabase cities;

    @BeforeAll
    static void load() throws IOException {
        Dns.write(dir, "zones/example.com.zone", GeoAnswersTest.ZONE);
        Dns.write(dir, "zones/example.net.zone", GeoAnswersTest.OTHER_ZONE);
        Dns.write(dir, "zones/geo.yaml", GeoAnswersTest.GEO);
        Zones.Read read = Zones.read(dir.resolve("zones"));
        sources = read.sources();
        cities = GeoDatabase.open(GeoAnswersTest.cities().write(dir.resolve("city.mmdb")));
    }

    @AfterAll
    static void close() throws IOException {
        cities.close();
    }

    private static Snapshot snapshot(HealthView health) {
        return GeoAnswersTest.compile(sources, cities, health);
    }

    private static Catchment catchment(Snapshot snapshot, String name) {
        return snapshot.catchments().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no catchment for " + name + ": " + snapshot.catchments()));
    }

    private static Map<String, String> some(Catchment c, String... countries) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String country : countries) {
            out.put(country, c.byCountry().get(country));
        }
        return out;
    }

    @Test
    void everyCountryGoesToItsNearestLocationWhileEveryNodeIsUp() {
        Catchment app = catchment(snapshot(HealthView.allUp()), "app.example.com");
        assertEquals(Map.of("GB", "london", "DE", "frankfurt", "CA", "seattle", "AU", "singapore"),
                some(app, "GB", "DE", "CA", "AU"));
        assertEquals(geodns.geoip.GeoPlace.countryCodes().size(), app.byCountry().size(), "every country placed");
    }

    @Test
    void overridesDecideTheCatchmentAsTheyDecideAnswers() {
        Catchment tuned = catchment(snapshot(HealthView.allUp()), "tuned.example.com");
        assertEquals(Map.of("US", "singapore", "IE", "frankfurt", "AU", "seattle", "GB", "london"),
                some(tuned, "US", "IE", "AU", "GB"));
    }

    @Test
    void aLocationWithNoNodeUpLosesItsCountriesToTheNextNearest() {
        Catchment app = catchment(snapshot(HealthAnswersTest.down("lon-1", "lon-2", "lon-3")), "app.example.com");
        assertEquals("frankfurt", app.byCountry().get("GB"));
        assertEquals(false, app.locationsUp().get("london"));
        assertEquals(false, app.failOpen());
        assertEquals(0, app.byCountry().values().stream().filter("london"::equals).count(), "no country to london");
    }

    @Test
    void failOpenSendsEachCountryToItsNearestAndSaysSo() {
        Snapshot open = snapshot(HealthAnswersTest.down(HealthAnswersTest.ALL_NODES.toArray(String[]::new)));
        Catchment app = catchment(open, "app.example.com");
        assertEquals(true, app.failOpen());
        assertEquals("london", app.byCountry().get("GB"));
        assertEquals(List.of(false, false, false, false), List.copyOf(app.locationsUp().values()));
        assertEquals(List.of("app.example.com", "v4.example.com", "tuned.example.com", "fallback.example.com",
                "capped.example.com", "ent.example.com", "app.example.net"), open.failOpen());
    }

    @Test
    void onlyTheNamesWithNoNodeUpFailOpen() {
        // v4.example.com lives in frankfurt alone; app.example.com skips frankfurt and stays closed.
        assertEquals(List.of("v4.example.com"), snapshot(HealthAnswersTest.down("fra-1", "fra-2")).failOpen());
        assertEquals(List.of(), snapshot(HealthView.allUp()).failOpen());
    }
}
