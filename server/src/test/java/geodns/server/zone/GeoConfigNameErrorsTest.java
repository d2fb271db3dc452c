package geodns.server.zone;

import geodns.server.config.ConfigError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Dns;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Geo names against the zones: outside every zone, colliding with zone data or a delegation, twice. */
class GeoConfigNameErrorsTest extends GeoConfigFolder {
    // ---- geo names and the zones ----

    @Test
    void geoNameOutsideEveryZoneIsAnErrorAtTheName() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com: {}
                  app.example.org: {}
                """);
        assertErrorAt(yaml, "app.example.org", "app.example.org", "outside every zone");
    }

    @Test
    void geoNameCollidingWithZoneDataIsAnErrorNamingTheZoneFileAndLine() {
        String yaml = geo(LOCATIONS + """
                names:
                  www.example.com:
                    ttl: 30
                """);
        ConfigError error = assertErrorAt(yaml, "www.example.com", "www.example.com", "collides");
        assertTrue(error.reason().contains(zoneFile + ":6"), () -> "should name the zone's www line: " + error);
    }

    @Test
    void geoNameCollidingWithTheDelegationPointIsAnError() {
        String yaml = geo(LOCATIONS + "names:\n  sub.example.com: {}\n");
        ConfigError error = assertErrorAt(yaml, "sub.example.com", "sub.example.com");
        assertTrue(error.reason().contains(zoneFile + ":7"), () -> "should name the zone's NS line: " + error);
    }

    @Test
    void geoNameInsideADelegationIsAnErrorNamingTheDelegation() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com: {}
                  app.sub.example.com: {}
                """);
        ConfigError error = assertErrorAt(yaml, "app.sub.example.com", "app.sub.example.com", "delegation",
                "sub.example.com");
        assertTrue(error.reason().contains(zoneFile + ":7"), () -> "should name the zone's NS line: " + error);
    }

    @Test
    void wildcardGeoNameIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  "*.example.com": {}
                """);
        assertErrorAt(yaml, "*.example.com", "wildcard");
    }

    @Test
    void sameGeoNameWrittenTwiceIsAnErrorAtTheSecond() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    ttl: 30
                  app.example.com.:
                    ttl: 60
                """);
        assertErrorAt(yaml, "app.example.com.:", "app.example.com");
    }

    @Test
    void everyBadGeoNameIsReported() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.org: {}
                  www.example.com: {}
                """);
        Zones.Read read = Zones.read(dir);
        assertEquals(List.of(lineOf(yaml, "app.example.org"), lineOf(yaml, "www.example.com")),
                read.errors().stream().map(ConfigError::line).toList(), () -> "errors: " + read.errors());
    }

    @Test
    void geoNameInAChildZoneWeAlsoServeIsNotInsideTheParentsDelegation() {
        Dns.write(dir, "sub.example.com.zone", """
                $ORIGIN sub.example.com.
                $TTL 300
                @    IN SOA ns admin 1 7200 900 1209600 300
                @    IN NS  ns
                ns   IN A   192.0.2.1
                """);
        geo(LOCATIONS + "names:\n  app.sub.example.com: {}\n");
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
    }

}
