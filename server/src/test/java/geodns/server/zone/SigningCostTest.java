package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.answer.Snapshot;
import geodns.server.config.HeapBudget;
import geodns.server.dnssec.Signatures;
import geodns.server.dnssec.TestKeys;
import geodns.server.health.HealthView;
import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * What signing costs at build time (ECDSA P-256): the example zones, and a zone of 50,000 records with one geo
 * name; a rebuild with the same keys (a health change) reuses every signature. Prints the numbers for the docs
 * (docs/design.md, "DNSSEC").
 */
class SigningCostTest {
    @TempDir
    Path dir;

    record Cost(long millis, long heapBytes, long signatures, long rebuildMillis, long rebuildSignatures) {}

    static Cost measure(Path zones, Name apex) {
        Zones.Read read = Zones.read(zones);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        AtomicLong made = new AtomicLong();
        Signatures signatures = new Signatures(Map.of(apex, TestKeys.signing(apex, TestKeys.ecdsa(apex))),
                Clock.systemUTC(), made::incrementAndGet);
        Metrics metrics = new Metrics();
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        Snapshot snapshot = Zones.compile(read.sources(), Zones.routing(read.sources(), null, metrics),
                HealthView.allUp(), metrics, HeapBudget.unlimited(), signatures);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long heap = usedHeap() - heapBefore;
        long first = made.get();
        start = System.nanoTime();
        Snapshot again = Zones.compile(read.sources(), Zones.routing(read.sources(), null, metrics),
                HealthView.allUp(), metrics, HeapBudget.unlimited(), signatures);
        long rebuild = (System.nanoTime() - start) / 1_000_000;
        assertTrue(snapshot != again);
        return new Cost(millis, heap, first, rebuild, made.get() - first);
    }

    static Cost unsigned(Path zones) {
        Zones.Read read = Zones.read(zones);
        Metrics metrics = new Metrics();
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        Snapshot snapshot = Zones.compile(read.sources(), Zones.routing(read.sources(), null, metrics),
                HealthView.allUp(), metrics);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long heap = usedHeap() - heapBefore;
        assertTrue(snapshot != null);
        return new Cost(millis, heap, 0, 0, 0);
    }

    /** Heap in use after a full collection, with {@code snapshot} and what it holds still reachable. */
    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void exampleZones() {
        Path zones = Path.of(System.getProperty("user.dir")).getParent().resolve("zones");
        Cost plain = unsigned(zones);
        Cost cost = measure(zones, Name.fromConstantString("example.com."));
        System.out.println("example zones: unsigned " + plain + "; signed " + cost);
        assertTrue(cost.rebuildSignatures() == 0);
    }

    /** Minutes of CPU on a small machine: run when measuring, with -Dgeodns.signing-cost=true. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "geodns.signing-cost", matches = "true")
    void fiftyThousandRecordsAndAGeoName() {
        StringBuilder zone = new StringBuilder("""
                $ORIGIN big.example.
                $TTL 300
                @ IN SOA ns admin 1 7200 900 1209600 300
                @ IN NS ns
                ns IN A 192.0.2.1
                """);
        for (int i = 0; i < 49_996; i++) {
            zone.append("host-").append(i).append(" IN A 10.").append(i >> 16 & 255).append('.')
                    .append(i >> 8 & 255).append('.').append(i & 255).append('\n');
        }
        Dns.write(dir, "big.example.zone", zone.toString());
        Dns.write(dir, "geo.yaml", """
                locations:
                  london:
                    coordinates: [51.507, -0.128]
                    nodes:
                      lon-1: { ipv4: 192.0.2.11, ipv6: "2001:db8:10::11" }
                  seattle:
                    coordinates: [47.606, -122.332]
                    nodes:
                      sea-1: { ipv4: 192.0.2.31 }
                names:
                  www.big.example: {}
                """);
        Cost plain = unsigned(dir);
        Cost cost = measure(dir, Name.fromConstantString("big.example."));
        System.out.println("50,000 records: unsigned " + plain + "; signed " + cost);
        assertTrue(cost.signatures() > 100_000, "every RRset and every NSEC: " + cost.signatures());
        assertTrue(cost.rebuildSignatures() == 0);
    }
}
