package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import geodns.server.health.AdminState;
import geodns.server.health.HealthView;
import geodns.server.testing.Dns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** admin-state.yaml beside the zones, and a geo name's TTL range: how they are read and what they compile to. */
class AdminStateAndTtlConfigTest extends GeoConfigFolder {
    private static final String NAMES = "names:\n  app.example.com:\n    ttl: %s\n";

    private GeoConfig config() {
        List<ConfigError> errors = new ArrayList<>();
        GeoConfig config = GeoConfigReader.read(dir, errors);
        assertEquals(List.of(), errors);
        return config;
    }

    private GeoNameRecords app(HealthView health, AdminState admin) {
        GeoConfig config = config();
        return GeoNameRecords.of(0, config.names().get(0), config, health, admin);
    }

    private static AdminState.Entry entry(AdminState.State state) {
        return new AdminState.Entry(state, null, null, "test");
    }

    // ---- the state file ----

    @Test
    void everyMistakeOfTheStateFileIsReportedWithItsLine() {
        geo(LOCATIONS + NAMES.formatted("30"));
        String state = """
                nodes:
                  lon-1: drain
                  lon-9: drain
                  fra-1: { state: sleep }
                  lon-1x: force-up
                locations:
                  mars: drain
                  london: { state: drain, until: tomorrow }
                """;
        Dns.write(dir, "admin-state.yaml", state);
        Zones.Read read = Zones.read(dir);
        assertFalse(read.ok());
        List<String> errors = read.errors().stream().map(ConfigError::toString).toList();
        String file = dir.resolve("admin-state.yaml").toString();
        assertEquals(List.of(
                file + ":" + lineOf(state, "lon-9") + ": unknown node 'lon-9' (geo.yaml has fra-1, lon-1)",
                file + ":" + lineOf(state, "sleep") + ": 'sleep' is not a state for node fra-1 (drain, force-up,"
                        + " force-down)",
                file + ":" + lineOf(state, "lon-1x") + ": unknown node 'lon-1x' (geo.yaml has fra-1, lon-1)",
                file + ":" + lineOf(state, "mars") + ": unknown location 'mars' (geo.yaml has frankfurt, london)",
                file + ":" + lineOf(state, "tomorrow") + ": until of location london must be a time like"
                        + " 2026-12-08T06:00:00Z, not 'tomorrow'"), errors);
    }

    @Test
    void aStateFileWithOnlyCommentsDrainsNothing() {
        geo(LOCATIONS + NAMES.formatted("30"));
        Dns.write(dir, "admin-state.yaml", "# nothing drained now\n");
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> read.errors().toString());
        assertTrue(read.sources().admin().isEmpty());
    }

    // ---- what the admin state compiles to ----

    @Test
    void aDrainedLocationHasNoAnswerSoItsClientsGoToTheNext() {
        geo(LOCATIONS + NAMES.formatted("30"));
        GeoNameRecords app = app(HealthView.allUp(), new AdminState(Map.of(),
                Map.of("london", entry(AdminState.State.DRAIN))));
        assertEquals(List.of(), app.a().get(0), "london");
        assertEquals(List.of(false, true), app.up());
        assertFalse(app.failOpen());
        assertEquals(List.of("location london: drain (from test)"), app.admin().get(0));
    }

    @Test
    void forceUpAnswersANodeItsProbesSayIsDownAndANodesOwnStateWinsOverItsLocations() {
        geo(LOCATIONS + NAMES.formatted("30"));
        HealthView lon1Down = new HealthView(Map.of());
        AdminState admin = new AdminState(Map.of("lon-1", entry(AdminState.State.FORCE_UP)),
                Map.of("london", entry(AdminState.State.DRAIN)));
        assertEquals(1, app(lon1Down, admin).a().get(0).size());
        assertTrue(admin.answered("lon-1", "london", lon1Down));
    }

    @Test
    void everyNodeTakenOutFailsOpenOverAllOfThem() {
        geo(LOCATIONS + NAMES.formatted("30"));
        GeoNameRecords app = app(HealthView.allUp(), new AdminState(Map.of("lon-1", entry(AdminState.State.DRAIN),
                "fra-1", entry(AdminState.State.FORCE_DOWN)), Map.of()));
        assertTrue(app.failOpen());
        assertEquals(1, app.a().get(0).size());
        assertEquals(1, app.a().get(1).size());
    }

    // ---- ttl ranges ----

    @Test
    void aTtlRangeReadsAsShortAndLong() {
        geo(LOCATIONS + NAMES.formatted("30-300"));
        GeoConfig.GeoName name = config().names().get(0);
        assertEquals(30, name.shortTtl());
        assertEquals(300, name.ttl());
        geo(LOCATIONS + NAMES.formatted("{ min: 10, max: 60 }"));
        assertEquals(List.of(10L, 60L), List.of(config().names().get(0).shortTtl(), config().names().get(0).ttl()));
        geo(LOCATIONS + NAMES.formatted("45"));
        assertEquals(List.of(45L, 45L), List.of(config().names().get(0).shortTtl(), config().names().get(0).ttl()));
    }

    @Test
    void aStableLocationCarriesTheLongTtl() {
        geo(LOCATIONS + NAMES.formatted("30-300"));
        assertEquals(300, app(HealthView.allUp(), AdminState.none()).a().get(0).get(0).record().getTTL());
    }

    @Test
    void aTtlRangeWithTheShortOneLongerIsAnErrorAtItsLine() {
        String yaml = geo(LOCATIONS + NAMES.formatted("300-30"));
        assertErrorAt(yaml, "300-30", "short TTL is longer");
    }

    @Test
    void aTtlRangeMissingItsMaxIsAnErrorAtItsLine() {
        String yaml = geo(LOCATIONS + NAMES.formatted("{ min: 30 }"));
        assertErrorAt(yaml, "min: 30", "needs min and max");
    }

    @Test
    void aTtlThatIsNoNumberNorRangeIsAnErrorAtItsLine() {
        String yaml = geo(LOCATIONS + NAMES.formatted("soon"));
        assertErrorAt(yaml, "soon", "a range like 30-300");
    }
}
