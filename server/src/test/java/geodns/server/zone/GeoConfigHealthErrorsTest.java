package geodns.server.zone;

import org.junit.jupiter.api.Test;

/** Health values in geo.yaml, checked when a node is probed. */
class GeoConfigHealthErrorsTest extends GeoConfigFolder {
    // ---- health values (checked when a node is probed) ----

    @Test
    void expectThatIsNotAStatusIsAnError() {
        String yaml = geo(PROBED.formatted("  expect: abc"));
        assertErrorAt(yaml, "expect: abc", "expect", "'abc'");
    }

    @Test
    void expectRangeThatEndsBeforeItStartsIsAnError() {
        String yaml = geo(PROBED.formatted("  expect: 399-200"));
        assertErrorAt(yaml, "expect: 399-200", "expect");
    }

    @Test
    void intervalInMinutesIsAnError() {
        String yaml = geo(PROBED.formatted("  interval: 5 minutes"));
        assertErrorAt(yaml, "5 minutes", "interval", "'5 minutes'");
    }

    @Test
    void timeoutBelowTenMillisecondsIsAnError() {
        String yaml = geo(PROBED.formatted("  timeout: 5ms"));
        assertErrorAt(yaml, "timeout: 5ms", "timeout");
    }

    @Test
    void fallOfZeroIsAnError() {
        String yaml = geo(PROBED.formatted("  fall: 0"));
        assertErrorAt(yaml, "fall: 0", "fall", "'0'");
    }

    @Test
    void fractionalFallIsAnError() {
        String yaml = geo(PROBED.formatted("  fall: 2.5"));
        assertErrorAt(yaml, "fall: 2.5", "fall");
    }

    @Test
    void riseThatIsNotANumberIsAnError() {
        String yaml = geo(PROBED.formatted("  rise: twice"));
        assertErrorAt(yaml, "rise: twice", "rise");
    }

    @Test
    void jitterOfOneIsAnError() {
        String yaml = geo(PROBED.formatted("  jitter: 1.5"));
        assertErrorAt(yaml, "jitter: 1.5", "jitter");
    }

    @Test
    void initialMaybeIsAnError() {
        String yaml = geo(PROBED.formatted("  initial: maybe"));
        assertErrorAt(yaml, "initial: maybe", "initial", "'maybe'");
    }

    @Test
    void insecureSometimesIsAnError() {
        String yaml = geo(PROBED.formatted("  insecure: sometimes"));
        assertErrorAt(yaml, "insecure: sometimes", "insecure");
    }

    @Test
    void ftpUrlIsAnErrorAtTheUrl() {
        String yaml = geo(PROBED.replace("http://{ip}:8080/ping", "ftp://x").formatted(""));
        assertErrorAt(yaml, "ftp://x", "ftp://x", "http");
    }

    @Test
    void urlWithoutAHostIsAnError() {
        String yaml = geo(PROBED.replace("http://{ip}:8080/ping", "http:///ping").formatted(""));
        assertErrorAt(yaml, "http:///ping", "url");
    }

    @Test
    void badValueInANodesOwnHealthIsReportedAtThatLine() {
        String yaml = geo(PROBED.formatted("").replace("lon-1: { ipv4: 192.0.2.11 }",
                "lon-1: { ipv4: 192.0.2.11, health: { fall: -1 } }"));
        assertErrorAt(yaml, "fall: -1", "fall");
    }

    @Test
    void badValueInALocationsHealthIsReportedAtThatLine() {
        String yaml = geo(PROBED.formatted("").replace("    coordinates: [51.507, -0.128]",
                "    coordinates: [51.507, -0.128]\n    health:\n      interval: soon"));
        assertErrorAt(yaml, "interval: soon", "interval", "'soon'");
    }

    @Test
    void healthThatIsNotAMappingIsAnError() {
        String yaml = geo(PROBED.formatted("").replace("lon-1: { ipv4: 192.0.2.11 }",
                "lon-1: { ipv4: 192.0.2.11, health: fast }"));
        assertErrorAt(yaml, "health: fast", "mapping");
    }
}
