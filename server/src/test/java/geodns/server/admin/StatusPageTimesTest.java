package geodns.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Times and durations on the status page, as people read them. */
class StatusPageTimesTest {
    @Test
    void anInstantIsShownInUtcToTheSecond() {
        assertEquals("2026-12-07T00:11:42Z", StatusPage.time(Instant.parse("2026-12-07T00:11:42.708738835Z")));
        assertEquals("", StatusPage.time(null));
    }

    @Test
    void durationsAreInTheirLargestUnits() {
        assertEquals("0s", StatusPage.duration(0));
        assertEquals("59s", StatusPage.duration(59));
        assertEquals("3m 12s", StatusPage.duration(192));
        assertEquals("2h 05m", StatusPage.duration(2 * 3600 + 5 * 60 + 9));
        assertEquals("4d 03h", StatusPage.duration(4 * 86400 + 3 * 3600 + 59));
    }
}
