package geodns.geoip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankerTest {

    static final Location LONDON = new Location("london", new GeoPoint(51.5074, -0.1278));
    static final Location FRANKFURT = new Location("frankfurt", new GeoPoint(50.1109, 8.6821));
    static final Location SEATTLE = new Location("seattle", new GeoPoint(47.6062, -122.3321));
    static final Location SINGAPORE = new Location("singapore", new GeoPoint(1.3521, 103.8198));
    static final List<Location> CLUSTER = List.of(LONDON, FRANKFURT, SEATTLE, SINGAPORE);

    static GeoPlace at(double lat, double lon, String country, String continent, String subdivision) {
        return new GeoPlace(new GeoPoint(lat, lon), country, continent, subdivision, false);
    }

    static final GeoPlace SYDNEY = at(-33.8688, 151.2093, "AU", "OC", "AU-NSW");
    static final GeoPlace MADRID = at(40.4168, -3.7038, "ES", "EU", "ES-MD");
    static final GeoPlace NEW_YORK = at(40.7128, -74.0060, "US", "NA", "US-NY");
    static final GeoPlace SAN_FRANCISCO = at(37.7749, -122.4194, "US", "NA", "US-CA");
    static final GeoPlace TOKYO = at(35.6762, 139.6503, "JP", "AS", "JP-13");
    static final GeoPlace SAO_PAULO = at(-23.5505, -46.6333, "BR", "SA", "BR-SP");
    static final GeoPlace NAIROBI = at(-1.2921, 36.8219, "KE", "AF", null);
    static final GeoPlace WARSAW = at(52.2297, 21.0122, "PL", "EU", null);

    static List<String> names(Ranking r) {
        return r.locations().stream().map(x -> x.location().name()).toList();
    }

    @Test
    void nearestFirst() {
        Ranker ranker = new Ranker(CLUSTER, RankingPolicy.nearest());
        assertEquals("singapore", ranker.rank(SYDNEY).first().name());
        assertEquals("london", ranker.rank(MADRID).first().name(), "Madrid: London 1,260 km, Frankfurt 1,420 km");
        assertEquals("seattle", ranker.rank(NEW_YORK).first().name(), "New York: Seattle 3,870 km, London 5,570 km");
        assertEquals("singapore", ranker.rank(TOKYO).first().name());
        assertEquals("london", ranker.rank(SAO_PAULO).first().name(), "Sao Paulo: London 9,490 km, Seattle 10,950");
        assertEquals("frankfurt", ranker.rank(NAIROBI).first().name());
        assertEquals("frankfurt", ranker.rank(WARSAW).first().name());

        Ranking sydney = ranker.rank(SYDNEY);
        assertEquals("nearest", sydney.rule());
        assertEquals(List.of("singapore", "seattle", "frankfurt", "london"), names(sydney));
        assertEquals(6_300, sydney.locations().get(0).distanceKm(), 30);
        double previous = 0;
        for (Ranking.Ranked r : sydney.locations()) {
            assertTrue(r.distanceKm() >= previous);
            previous = r.distanceKm();
        }
    }

    @Test
    void aPositiveBiasTakesClientsNearerToAnotherLocationByRoute53sFormula() {
        // Madrid: London 1,260 km, Frankfurt 1,420 km; Frankfurt's biased distance is 1,420 x (1 - 25/100) = 1,065.
        Location biased = new Location("frankfurt", FRANKFURT.point(), 25);
        Ranking madrid = new Ranker(List.of(LONDON, biased), RankingPolicy.nearest()).rank(MADRID);
        assertEquals(List.of("frankfurt", "london"), names(madrid));
        assertEquals(madrid.locations().get(0).distanceKm() * 0.75, madrid.locations().get(0).biasedKm(), 1e-9);
        assertEquals("london", new Ranker(List.of(LONDON, FRANKFURT), RankingPolicy.nearest()).rank(MADRID).first()
                .name(), "without the bias");
        assertEquals("london", new Ranker(List.of(LONDON, new Location("frankfurt", FRANKFURT.point(), 10)),
                RankingPolicy.nearest()).rank(MADRID).first().name(), "1,420 x 0.9 = 1,278 is still farther");
    }

    @Test
    void aNegativeBiasShrinksALocationsCatchment() {
        Location shrunk = new Location("london", LONDON.point(), -20);   // 1,260 x 1.2 = 1,512 > 1,420
        assertEquals("frankfurt", new Ranker(List.of(shrunk, FRANKFURT), RankingPolicy.nearest()).rank(MADRID)
                .first().name());
    }

    @Test
    void equalDistancesAreOrderedByName() {
        GeoPoint same = new GeoPoint(10, 10);
        List<Location> twins = List.of(new Location("b", same), new Location("c", same), new Location("a", same));
        Ranking r = new Ranker(twins, RankingPolicy.nearest()).rank(at(0, 0, "NG", "AF", null));
        assertEquals(List.of("a", "b", "c"), names(r));
    }

    static final RankingPolicy OVERRIDES = new RankingPolicy(
            Map.of("OC", List.of("seattle"), "eu", List.of("frankfurt", "london")),
            Map.of("NZ", List.of("singapore"), "US", List.of("london")),
            Map.of("US-CA", List.of("frankfurt", "seattle")),
            List.of("frankfurt", "london"));

    @Test
    void mostSpecificOverrideWins() {
        Ranker ranker = new Ranker(CLUSTER, OVERRIDES);

        Ranking sydney = ranker.rank(SYDNEY);
        assertEquals("continent OC", sydney.rule());
        // The override first, the rest nearest first, every location once.
        assertEquals(List.of("seattle", "singapore", "frankfurt", "london"), names(sydney));
        assertEquals(SEATTLE.point().distanceKm(SYDNEY.point()), sydney.locations().get(0).distanceKm(), 1e-9);

        Ranking auckland = ranker.rank(at(-36.85, 174.76, "NZ", "OC", "NZ-AUK"));
        assertEquals("country NZ", auckland.rule(), "country beats continent");
        assertEquals("singapore", auckland.first().name());

        Ranking sf = ranker.rank(SAN_FRANCISCO);
        assertEquals("subdivision US-CA", sf.rule(), "subdivision beats country");
        assertEquals(List.of("frankfurt", "seattle", "london", "singapore"), names(sf));

        Ranking ny = ranker.rank(NEW_YORK);
        assertEquals("country US", ny.rule());
        assertEquals(List.of("london", "seattle", "frankfurt", "singapore"), names(ny));

        Ranking madrid = ranker.rank(MADRID);
        assertEquals("continent EU", madrid.rule(), "keys are case-insensitive");
        assertEquals(List.of("frankfurt", "london", "seattle", "singapore"), names(madrid));

        assertEquals("nearest", ranker.rank(TOKYO).rule(), "no override for AS/JP");
    }

    @Test
    void unknownClientsGetTheDefaultOrder() {
        Ranker ranker = new Ranker(CLUSTER, OVERRIDES);
        Ranking unknown = ranker.rank(null);
        assertEquals("default", unknown.rule());
        // Default order, then the rest as the geo name lists them.
        assertEquals(List.of("frankfurt", "london", "seattle", "singapore"), names(unknown));
        assertTrue(Double.isNaN(unknown.locations().get(0).distanceKm()));

        // No default order: as listed.
        assertEquals(List.of("london", "frankfurt", "seattle", "singapore"),
                names(new Ranker(CLUSTER, RankingPolicy.nearest()).rank(null)));
    }

    @Test
    void aPlaceWithoutPointUsesOverridesThenTheDefaultOrder() {
        Ranker ranker = new Ranker(CLUSTER, OVERRIDES);
        Ranking r = ranker.rank(new GeoPlace(null, "NZ", "OC", null, false));
        assertEquals("country NZ", r.rule());
        assertEquals(List.of("singapore", "frankfurt", "london", "seattle"), names(r));
        assertEquals("default", ranker.rank(new GeoPlace(null, "ZZ", null, null, false)).rule());
    }

    @Test
    void aCountryOnlyPlaceRanksFromItsCountryPoint() {
        Ranker ranker = new Ranker(CLUSTER, RankingPolicy.nearest());
        GeoPlace japan = GeoPlace.ofCountry("jp");
        assertTrue(japan.pointFromCountry());
        assertEquals("AS", japan.continentCode());
        assertEquals("singapore", ranker.rank(japan).first().name());
        assertEquals("frankfurt", ranker.rank(GeoPlace.ofCountry("RU")).first().name(), "Russia is placed at Moscow");
        assertEquals("seattle", ranker.rank(GeoPlace.ofCountry("CA")).first().name());
        assertEquals(null, GeoPlace.ofCountry("ZZ"));
    }

    @Test
    void rejectsBadPolicies() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> new Ranker(CLUSTER,
                new RankingPolicy(Map.of(), Map.of("JP", List.of("tokyo")), Map.of(), List.of())));
        assertTrue(unknown.getMessage().contains("unknown location tokyo"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Ranker(CLUSTER,
                new RankingPolicy(Map.of(), Map.of(), Map.of(), List.of("mars"))));
        assertThrows(IllegalArgumentException.class,
                () -> new RankingPolicy(Map.of("XX", List.of("london")), Map.of(), Map.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new RankingPolicy(Map.of(), Map.of("JPN", List.of("london")), Map.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new RankingPolicy(Map.of(), Map.of(), Map.of("CA", List.of("london")), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new RankingPolicy(Map.of(), Map.of("JP", List.of("london", "london")), Map.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Ranker(List.of(), RankingPolicy.nearest()));
        assertThrows(IllegalArgumentException.class,
                () -> new Ranker(List.of(LONDON, new Location("london", SEATTLE.point())), RankingPolicy.nearest()));
    }

    @Test
    void rankingIsImmutable() {
        Ranking r = new Ranker(CLUSTER, RankingPolicy.nearest()).rank(SYDNEY);
        assertThrows(UnsupportedOperationException.class, () -> r.locations().clear());
        assertFalse(r.locations().isEmpty());
    }
}
