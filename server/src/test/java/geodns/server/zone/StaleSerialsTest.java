package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a zone counts as changed without a new serial, and when it warns. */
class StaleSerialsTest {
    private final StaleSerials stale = new StaleSerials();
    private final List<String> warnings = new ArrayList<>();

    private Set<String> load(ZoneVersion... versions) {
        return stale.loaded(List.of(versions), warnings::add);
    }

    private static ZoneVersion v(long serial, String digest) {
        return new ZoneVersion("example.com", serial, digest);
    }

    @Test
    void theFirstLoadIsNeverStale() {
        assertEquals(Set.of(), load(v(1, "a")));
        assertEquals(List.of(), warnings);
    }

    @Test
    void newContentUnderTheSameSerialIsStaleAndWarnedOnce() {
        load(v(1, "a"));
        assertEquals(Set.of("example.com"), load(v(1, "b")));
        assertEquals(Set.of("example.com"), load(v(1, "b")));
        assertEquals(1, warnings.size(), () -> "one warning per change: " + warnings);
    }

    @Test
    void eachFurtherChangeUnderTheSameSerialWarnsAgain() {
        load(v(1, "a"));
        load(v(1, "b"));
        load(v(1, "c"));
        assertEquals(2, warnings.size(), () -> "" + warnings);
    }

    @Test
    void aNewSerialEndsIt() {
        load(v(1, "a"));
        load(v(1, "b"));
        assertEquals(Set.of(), load(v(2, "b")));
        assertEquals(Set.of(), stale.stale());
    }

    @Test
    void theOldContentBackEndsIt() {
        load(v(1, "a"));
        load(v(1, "b"));
        assertEquals(Set.of(), load(v(1, "a")));
    }

    @Test
    void aZoneThatIsGoneAndBackStartsAfresh() {
        load(v(1, "a"));
        load();
        assertEquals(Set.of(), load(v(1, "b")));
    }
}
