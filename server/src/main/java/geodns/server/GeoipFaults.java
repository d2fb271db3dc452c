package geodns.server;

import geodns.geoip.LookupFaults;
import geodns.server.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GeoIP lookups that failed on a damaged database: counted in {@code geodns_geoip_errors_total{reason}} and
 * logged, the first of each reason at once and then at most once a minute per reason (a corrupt stretch of a
 * search tree fails every lookup that crosses it: up to thousands a second under load). Lookups happen only on a
 * decision cache miss, never for a cached client.
 */
final class GeoipFaults implements LookupFaults {
    private static final Logger LOG = LoggerFactory.getLogger("geodns");
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Map<String, Counter> counters;
    private final Map<String, AtomicLong> nextLog = new ConcurrentHashMap<>();
    private final Runnable onFileFault;

    /** @param onFileFault run (quickly) at each fault of the mapped file: the file changed, check it now */
    GeoipFaults(Metrics metrics, Runnable onFileFault) {
        this.onFileFault = onFileFault;
        this.counters = Map.of(SEARCH_TREE, metrics.geoipErrors(SEARCH_TREE), RECORD, metrics.geoipErrors(RECORD),
                FILE_FAULT, metrics.geoipErrors(FILE_FAULT));
    }

    @Override
    public void failed(String reason, Throwable cause) {
        Counter counter = counters.get(reason);
        if (counter == null) {
            return;
        }
        counter.increment();
        if (FILE_FAULT.equals(reason)) {
            onFileFault.run();
        }
        long now = System.nanoTime();
        AtomicLong next = nextLog.computeIfAbsent(reason, r -> new AtomicLong(now));
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + LOG_EVERY_NANOS)) {
            LOG.warn("geoip: a lookup failed on the database ({}): {}; answered as unknown ({} such lookups so far,"
                    + " geodns_geoip_errors_total; logged at most once a minute)", reason, cause,
                    (long) counter.count());
        }
    }
}
