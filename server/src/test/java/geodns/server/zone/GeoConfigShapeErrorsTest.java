package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Node weights, location bias and spill in geo.yaml: each mistake a {@code geo.yaml:line: reason}, all of them. */
class GeoConfigShapeErrorsTest extends GeoConfigFolder {
    private static final String SHAPED = """
            locations:
              london:
                coordinates: [51.507, -0.128]
                bias: %s
                nodes:
                  lon-1: { ipv4: 192.0.2.11, weight: %s }
                  lon-2: { ipv4: 192.0.2.12 }
              frankfurt:
                coordinates: [50.110, 8.682]
                nodes:
                  fra-1: { ipv4: 192.0.2.21 }
            names:
              app.example.com:
                spill: %s
            """;

    @Test
    void weightBiasAndSpillInRangeAreRead() {
        geo(SHAPED.formatted("-20", "1000", "1"));
        assertTrue(Zones.read(dir).ok(), () -> "" + Zones.read(dir).errors());
    }

    @Test
    void aWeightOutsideZeroToAThousandIsAnErrorAtTheWeight() {
        assertErrorAt(geo(SHAPED.formatted("0", "1001", "1")), "weight: 1001", "weight of lon-1", "0 to 1000");
        assertErrorAt(geo(SHAPED.formatted("0", "-1", "1")), "weight: -1", "weight of lon-1");
        assertErrorAt(geo(SHAPED.formatted("0", "1.5", "1")), "weight: 1.5", "whole number");
    }

    @Test
    void aBiasOutsideMinus99To99IsAnErrorAtTheBias() {
        assertErrorAt(geo(SHAPED.formatted("100", "1", "1")), "bias: 100", "bias of london", "-99 to 99");
        assertErrorAt(geo(SHAPED.formatted("-99.5", "1", "1")), "bias: -99.5", "bias of london");
    }

    @Test
    void spillOverMoreLocationsThanTheNameHasNextIsAnError() {
        assertErrorAt(geo(SHAPED.formatted("0", "1", "2")), "spill: 2", "spill of app.example.com", "1 to 1");
        assertErrorAt(geo(SHAPED.formatted("0", "1", "0")), "spill: 0", "spill of app.example.com");
    }

    @Test
    void spillOnANameOfOneLocationIsAnError() {
        String yaml = geo(LOCATIONS + """
                names:
                  app.example.com:
                    locations: [london]
                    spill: 1
                """);
        assertErrorAt(yaml, "spill: 1", "two locations or more");
    }

    @Test
    void aNameWhoseEveryNodeHasWeightZeroIsAnErrorAtTheName() {
        String yaml = geo("""
                locations:
                  london:
                    coordinates: [51.507, -0.128]
                    nodes:
                      lon-1: { ipv4: 192.0.2.11, weight: 0 }
                  frankfurt:
                    coordinates: [50.110, 8.682]
                    nodes:
                      fra-1: { ipv4: 192.0.2.21 }
                names:
                  app.example.com:
                    locations: [london]
                  www2.example.com: {}
                """);
        assertErrorAt(yaml, "app.example.com", "weight 0", "could answer nothing");
    }

    @Test
    void everyShapeMistakeOfTheFileIsReportedEachAtItsLine() {
        String yaml = geo(SHAPED.formatted("250", "-3", "9"));
        Zones.Read read = Zones.read(dir);
        assertFalse(read.ok());
        List<Integer> lines = read.errors().stream().map(ConfigError::line).toList();
        assertEquals(List.of(lineOf(yaml, "bias:"), lineOf(yaml, "weight:"), lineOf(yaml, "spill:")),
                lines.stream().sorted().toList(), () -> "errors: " + read.errors());
    }
}
