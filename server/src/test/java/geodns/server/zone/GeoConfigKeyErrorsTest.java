package geodns.server.zone;

import org.junit.jupiter.api.Test;

/** Mistakes in geo.yaml's keys: typos, and continent, country and subdivision codes of overrides. */
class GeoConfigKeyErrorsTest extends GeoConfigFolder {
    // ---- typos ----

    @Test
    void unknownKeyInALocationIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS.replace("    coordinates: [50.110, 8.682]", "    cordinates: [50.110, 8.682]"));
        assertErrorAt(yaml, "cordinates", "unknown key", "cordinates");
    }

    @Test
    void unknownKeyInANameIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    ttl: 30
                    max_answers: 2
                """);
        assertErrorAt(yaml, "max_answers", "unknown key", "max_answers");
    }

    @Test
    void unknownKeyInANodeIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS.replace("fra-1: { ipv4: 192.0.2.21 }", "fra-1: { ip4: 192.0.2.21 }"));
        assertErrorAt(yaml, "ip4:", "unknown key", "ip4");
    }

    @Test
    void unknownKeyInHealthSettingsIsAnErrorAtTheKey() {
        String yaml = geo(PROBED.formatted("  intervall: 5s"));
        assertErrorAt(yaml, "intervall", "unknown key", "intervall");
    }

    @Test
    void unknownTopLevelKeyIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + "name:\n  app.example.com: {}\n");
        assertErrorAt(yaml, "name:", "unknown key", "'name'");
    }

    @Test
    void configWithoutLocationsIsAnError() {
        String yaml = geo("names:\n  app.example.com: {}\n");
        assertErrorAt(yaml, "names:", "locations");
    }

    @Test
    void whyThatIsNeitherOnNorOffIsAnErrorAtItsValue() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    why: maybe
                """);
        assertErrorAt(yaml, "why: maybe", "why must be on or off", "maybe");
    }

    @Test
    void topLevelWhyThatIsNeitherOnNorOffIsAnErrorAtItsValue() {
        String yaml = geo("why: sometimes\n" + LOCATIONS + "names:\n  app.example.com: {}\n");
        assertErrorAt(yaml, "why: sometimes", "why must be on or off");
    }

    // ---- override keys ----

    @Test
    void badContinentCodeIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    continents:
                      EU: [frankfurt]
                      EA: [london]
                """);
        assertErrorAt(yaml, "EA:", "'EA'", "continent");
    }

    @Test
    void badCountryCodeIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      GBR: [london]
                """);
        assertErrorAt(yaml, "GBR:", "'GBR'", "country");
    }

    @Test
    void subdivisionWithoutItsCountryIsAnErrorAtTheKey() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    subdivisions:
                      CA: [london]
                """);
        assertErrorAt(yaml, "CA:", "'CA'", "subdivision");
    }

    @Test
    void ukIsNotACountryCodeAndTheErrorSuggestsGb() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      UK: [london]
                """);
        assertErrorAt(yaml, "UK:", "'UK'", "ISO 3166-1", "did you mean GB?");
    }

    @Test
    void unassignedCountryCodeIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      QQ: [london]
                """);
        assertErrorAt(yaml, "QQ:", "'QQ'", "ISO 3166-1");
    }

    @Test
    void lowerCaseCountryCodeIsAnErrorSuggestingTheUpperCase() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      de: [frankfurt]
                """);
        assertErrorAt(yaml, "de:", "'de'", "did you mean DE?");
    }

    @Test
    void continentUnderCountriesIsAnErrorSayingWhereItBelongs() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      EU: [frankfurt]
                """);
        assertErrorAt(yaml, "EU:", "'EU'", "put it under continents");
    }

    @Test
    void lowerCaseContinentCodeIsAnErrorSuggestingTheUpperCase() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    continents:
                      eu: [frankfurt]
                """);
        assertErrorAt(yaml, "eu:", "'eu'", "did you mean EU?");
    }

    @Test
    void countryUnderContinentsIsAnErrorSayingWhereItBelongs() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    continents:
                      DE: [frankfurt]
                """);
        assertErrorAt(yaml, "DE:", "'DE'", "put it under countries");
    }

    @Test
    void subdivisionOfAnUnknownCountryIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    subdivisions:
                      QQ-CA: [london]
                """);
        assertErrorAt(yaml, "QQ-CA:", "'QQ-CA'", "QQ is not an ISO 3166-1 country code");
    }

    @Test
    void subdivisionOfUkSuggestsGb() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    subdivisions:
                      UK-SCT: [london]
                """);
        assertErrorAt(yaml, "UK-SCT:", "'UK-SCT'", "did you mean GB-SCT?");
    }

}
