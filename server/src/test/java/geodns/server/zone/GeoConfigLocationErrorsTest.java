package geodns.server.zone;

import org.junit.jupiter.api.Test;

/** Mistakes in geo.yaml's locations: the locations names refer to, coordinates, names, node addresses. */
class GeoConfigLocationErrorsTest extends GeoConfigFolder {
    // ---- locations the names refer to ----

    @Test
    void unknownLocationInANamesListIsAnErrorAtTheList() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: [london, nowhere]
                """);
        assertErrorAt(yaml, "nowhere", "unknown location", "nowhere");
    }

    @Test
    void unknownLocationInABlockListIsAnErrorAtItsOwnLine() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations:
                      - london
                      - frankfurt
                      - nowhere
                """);
        assertErrorAt(yaml, "- nowhere", "unknown location", "nowhere");
    }

    @Test
    void unknownLocationInTheUnknownOrderIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    unknown: [paris]
                """);
        assertErrorAt(yaml, "paris", "unknown location", "paris");
    }

    @Test
    void unknownLocationInAContinentOverrideIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    continents: { EU: [frankfurt, madrid] }
                """);
        assertErrorAt(yaml, "madrid", "unknown location", "madrid");
    }

    @Test
    void unknownLocationInACountryOverrideIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    countries:
                      IE: [london]
                      DE: [berlin]
                """);
        assertErrorAt(yaml, "berlin", "unknown location", "berlin");
    }

    @Test
    void unknownLocationInASubdivisionOverrideIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    subdivisions: { US-CA: [seattle] }
                """);
        assertErrorAt(yaml, "seattle", "unknown location", "seattle");
    }

    @Test
    void overrideNamingALocationTheNameDoesNotSpanIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: [london]
                    countries: { DE: [frankfurt] }
                """);
        assertErrorAt(yaml, "DE:", "frankfurt", "span");
    }

    @Test
    void listNamingALocationTwiceIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: [london, frankfurt, london]
                """);
        assertErrorAt(yaml, "[london, frankfurt, london]", "twice");
    }

    @Test
    void emptyLocationListIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: []
                """);
        assertErrorAt(yaml, "locations: []", "empty");
    }

    // ---- coordinates ----

    @Test
    void latitudeOver90IsAnErrorAtTheCoordinates() {
        String yaml = geo(LOCATIONS.replace("[50.110, 8.682]", "[91, 8.682]"));
        assertErrorAt(yaml, "[91, 8.682]", "latitude", "frankfurt", "91");
    }

    @Test
    void latitudeBelowMinus90IsAnError() {
        String yaml = geo(LOCATIONS.replace("[50.110, 8.682]", "[-90.5, 8.682]"));
        assertErrorAt(yaml, "[-90.5, 8.682]", "latitude");
    }

    @Test
    void longitudeThatIsNotANumberIsAnError() {
        String yaml = geo(LOCATIONS.replace("[51.507, -0.128]", "[51.507, x]"));
        assertErrorAt(yaml, "[51.507, x]", "longitude", "london", "'x'");
    }

    @Test
    void longitudeOver180IsAnError() {
        String yaml = geo(LOCATIONS.replace("[51.507, -0.128]", "[51.507, 180.5]"));
        assertErrorAt(yaml, "180.5", "longitude");
    }

    @Test
    void badLongitudeInABlockListIsReportedAtItsOwnLine() {
        String yaml = geo(LOCATIONS.replace("coordinates: [50.110, 8.682]", """
                coordinates:
                      - 50.110
                      - east""".stripTrailing()));
        assertErrorAt(yaml, "- east", "longitude", "'east'");
    }

    @Test
    void coordinatesWithOneNumberAreAnError() {
        String yaml = geo(LOCATIONS.replace("[50.110, 8.682]", "[50.110]"));
        assertErrorAt(yaml, "[50.110]", "latitude, longitude");
    }

    @Test
    void locationWithoutCoordinatesIsAnErrorAtTheLocation() {
        String yaml = geo(LOCATIONS.replace("    coordinates: [50.110, 8.682]\n", ""));
        assertErrorAt(yaml, "frankfurt:", "frankfurt", "coordinates");
    }

    // ---- names of locations and nodes ----

    @Test
    void duplicateLocationNameIsAnErrorAtTheSecond() {
        String yaml = geo(LOCATIONS + """
                  frankfurt :
                    coordinates: [50.0, 8.0]
                    nodes:
                      fra-9: { ipv4: 192.0.2.29 }
                """);
        assertErrorAt(yaml, "frankfurt :", "frankfurt");
    }

    @Test
    void duplicateNodeNameInAnotherLocationIsAnErrorAtTheSecond() {
        String yaml = geo(LOCATIONS + """
                  paris:
                    coordinates: [48.857, 2.352]
                    nodes:
                      lon-1: { ipv4: 192.0.2.31 }
                """);
        assertErrorAt(yaml, "192.0.2.31", "lon-1", "twice");
    }

    @Test
    void duplicateNodeNameInTheSameLocationIsAnErrorAtTheSecond() {
        String yaml = geo(LOCATIONS.replace("      fra-1: { ipv4: 192.0.2.21 }\n",
                "      fra-1: { ipv4: 192.0.2.21 }\n      fra-1: { ipv4: 192.0.2.22 }\n"));
        assertErrorAt(yaml, "192.0.2.22", "fra-1");
    }

    @Test
    void upperCaseLocationNameIsAnError() {
        String yaml = geo(LOCATIONS.replace("frankfurt:", "Frankfurt:"));
        assertErrorAt(yaml, "Frankfurt:", "Frankfurt");
    }

    @Test
    void locationWithoutNodesIsAnError() {
        String yaml = geo(LOCATIONS.replace("    nodes:\n      fra-1: { ipv4: 192.0.2.21 }\n", "    nodes: {}\n"));
        assertErrorAt(yaml, "nodes: {}", "frankfurt", "no nodes");
    }

    // ---- node addresses ----

    @Test
    void nodeWithoutAddressesIsAnErrorAtTheNode() {
        String yaml = geo(LOCATIONS.replace("fra-1: { ipv4: 192.0.2.21 }", "fra-1: {}"));
        assertErrorAt(yaml, "fra-1: {}", "fra-1", "ipv4 or ipv6");
    }

    @Test
    void nodeWithOnlyHealthSettingsHasNoAddresses() {
        String yaml = geo(LOCATIONS.replace("fra-1: { ipv4: 192.0.2.21 }", "fra-1: { health: { insecure: true } }"));
        assertErrorAt(yaml, "fra-1:", "fra-1", "ipv4 or ipv6");
    }

    @Test
    void ipv6InTheIpv4FieldIsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv4: 192.0.2.21", "ipv4: \"2001:db8::21\""));
        assertErrorAt(yaml, "2001:db8::21", "2001:db8::21", "IPv4");
    }

    @Test
    void ipv4InTheIpv6FieldIsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv6: \"2001:db8:10::11\"", "ipv6: 192.0.2.99"));
        assertErrorAt(yaml, "192.0.2.99", "192.0.2.99", "IPv6");
    }

    @Test
    void hostNameInTheIpv4FieldIsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv4: 192.0.2.21", "ipv4: localhost"));
        assertErrorAt(yaml, "localhost", "localhost", "IPv4");
    }

    @Test
    void ipv4WithAnOctetOver255IsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv4: 192.0.2.21", "ipv4: 192.0.2.256"));
        assertErrorAt(yaml, "192.0.2.256", "IPv4");
    }

    @Test
    void ipv4WithThreePartsIsAnError() {
        String yaml = geo(LOCATIONS.replace("ipv4: 192.0.2.21", "ipv4: 192.0.2"));
        assertErrorAt(yaml, "ipv4: 192.0.2 ", "192.0.2", "IPv4");
    }

}
