package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import geodns.server.config.HeapBudget;
import geodns.server.health.HealthView;
import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a load counts against its heap budget, and how it fails when it would not fit. */
class HeapBudgetTest {
    @TempDir
    Path dir;

    /** 2,000 CNAMEs to one name with a 1,000-byte TXT: small on disk, each alias's answers carry the TXT. */
    private Path aliasesOfALargeRecord() {
        StringBuilder zone = new StringBuilder(ZoneErrorsTest.HEAD).append("big IN TXT");
        for (int i = 0; i < 4; i++) {
            zone.append(" \"").append("b".repeat(250)).append('"');
        }
        zone.append('\n');
        for (int i = 0; i < 2000; i++) {
            zone.append("alias").append(i).append(" IN CNAME big\n");
        }
        return Dns.write(dir, "example.com.zone", zone.toString());
    }

    @Test
    void answersAreCountedAsTheyAreCompiledSoAliasesOfALargeRecordFailAsFileAndReason() {
        Path file = aliasesOfALargeRecord();
        HeapBudget heap = HeapBudget.of(2 << 20);
        Zones.Read read = Zones.read(dir, Zones.DEFAULT_MAX_RECORDS, heap);
        assertTrue(read.ok(), () -> "the files themselves fit: " + read.errors());
        assertTrue(heap.used() < 1 << 20, "reading took " + heap.used());
        Metrics metrics = new Metrics();
        HeapBudget.Exceeded e = assertThrows(HeapBudget.Exceeded.class, () -> Zones.compile(read.sources(),
                Zones.routing(read.sources(), null, metrics), HealthView.allUp(), metrics, heap));
        assertEquals(file.toString(), e.error().file());
        assertEquals(0, e.error().line(), "the zone as a whole, not a line");
        assertTrue(e.error().toString().startsWith(file + ": the config needs more than 2.0 MiB of heap"),
                e.error()::toString);
    }

    @Test
    void recordsAreCountedByTheirBytesAndFailAtTheRecordThatPassesTheLimit() {
        StringBuilder zone = new StringBuilder(ZoneErrorsTest.HEAD);
        for (int i = 0; i < 1000; i++) {
            zone.append("t").append(i).append(" IN TXT \"").append("t".repeat(250)).append("\"\n");
        }
        Path file = Dns.write(dir, "example.com.zone", zone.toString());
        Zones.Read read = Zones.read(dir, Zones.DEFAULT_MAX_RECORDS, HeapBudget.of(512 << 10));
        assertEquals(1, read.errors().size(), read.errors()::toString);
        ConfigError error = read.errors().get(0);
        assertEquals(file.toString(), error.file());
        assertTrue(error.line() > 5 && error.line() < 1005, "at the record that passed it: " + error);
    }
}
