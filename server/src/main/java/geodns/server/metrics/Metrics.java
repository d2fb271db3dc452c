package geodns.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every counter geodns keeps, for Prometheus. The hot path only increments counters it was handed when the
 * snapshot or the server was built, {@link Tally tallies} that the answering threads count in rows of their
 * own: no lookup by tags and no atomic instruction per query.
 */
public final class Metrics {
    /** Query types with a counter of their own; everything else counts as "other". */
    private static final int[] QTYPES = {1, 28, 5, 15, 2, 6, 16, 33, 255, 257, 12, 252, 251};
    private static final String[] QTYPE_NAMES = {"A", "AAAA", "CNAME", "MX", "NS", "SOA", "TXT", "SRV", "ANY", "CAA",
        "PTR", "AXFR", "IXFR", "other"};
    private static final String[] RCODES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
        "BADVERS", "NOTAUTH"};
    public static final int RCODE_BADVERS = 6;
    private static final int RCODE_NOTAUTH = 9;

    // Every family has a HELP text (promtool check metrics, which the e2e MetricsLintTest runs, insists).
    private static final String CLIENT_SUBNET_HELP = "queries with an EDNS Client Subnet option, and without";
    private static final String GEOIP_CACHE_HELP = "geo answers whose client group had a cached decision (hit), "
            + "or was looked up in GeoIP (miss)";
    private static final String RELOADS_HELP = "loads of the zones folder and GeoIP DB after the first: ok, or "
            + "failed (the previous snapshot kept serving)";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Rows rows = new Rows();
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final Tally[][][] queries = new Tally[2][QTYPE_NAMES.length][RCODES.length];
    private final Tally dropped;
    private final Tally malformed;
    private final Tally withSubnet;
    private final Tally withoutSubnet;
    private final Tally cacheHits;
    private final Tally cacheMisses;
    private final Tally failOpen;
    private final Counter reloadsOk;
    private final Counter reloadsFailed;
    private final Counter transfersServed;
    private final Counter transfersRefused;
    private final Counter notifiesSent;
    private final Counter notifiesAcked;
    private final Counter notifiesFailed;
    private final Map<String, Long> zoneSerials = new ConcurrentHashMap<>();
    private final Map<String, Boolean> nodesUp = new ConcurrentHashMap<>();
    private final Map<String, Boolean> zoneStale = new ConcurrentHashMap<>();

    public Metrics() {
        String[] transports = {"udp", "tcp"};
        for (int t = 0; t < 2; t++) {
            for (int q = 0; q < QTYPE_NAMES.length; q++) {
                for (int r = 0; r < RCODES.length; r++) {
                    queries[t][q][r] = tally("geodns_queries", "DNS queries answered",
                            "transport", transports[t], "qtype", QTYPE_NAMES[q], "rcode", RCODES[r]);
                }
            }
        }
        dropped = tally("geodns_dropped_packets", "packets not answered: shorter than a header, or responses");
        malformed = tally("geodns_malformed_packets", "packets answered with FORMERR");
        withSubnet = tally("geodns_client_subnet", CLIENT_SUBNET_HELP, "ecs", "present");
        withoutSubnet = tally("geodns_client_subnet", CLIENT_SUBNET_HELP, "ecs", "absent");
        cacheHits = tally("geodns_geoip_cache", GEOIP_CACHE_HELP, "result", "hit");
        cacheMisses = tally("geodns_geoip_cache", GEOIP_CACHE_HELP, "result", "miss");
        failOpen = tally("geodns_fail_open_answers", "geo answers given as if all nodes were up: none was");
        reloadsOk = Counter.builder("geodns_reloads").description(RELOADS_HELP).tag("result", "ok")
                .register(registry);
        reloadsFailed = Counter.builder("geodns_reloads").description(RELOADS_HELP).tag("result", "failed")
                .register(registry);
        transfersServed = transferCounter("served");
        transfersRefused = transferCounter("refused");
        notifiesSent = notifyCounter("sent");
        notifiesAcked = notifyCounter("acked");
        notifiesFailed = notifyCounter("failed");
    }

    private Counter transferCounter(String result) {
        return Counter.builder("geodns_transfers").description("zone transfer requests (AXFR, IXFR)")
                .tag("result", result).register(registry);
    }

    private Counter notifyCounter(String result) {
        return Counter.builder("geodns_notifies").description(
                "NOTIFY messages: sent (each try), acked, failed (no ack after the last try)")
                .tag("result", result).register(registry);
    }

    /** A transfer request served, or refused (not allowed, or not signed as the zone requires). */
    public void transfer(boolean served) {
        (served ? transfersServed : transfersRefused).increment();
    }

    public void notifySent() {
        notifiesSent.increment();
    }

    public void notifyAcked() {
        notifiesAcked.increment();
    }

    public void notifyFailed() {
        notifiesFailed.increment();
    }

    /** The tally of {@code name} with these tags, registered at the first call. */
    private Tally tally(String name, String description, String... tags) {
        return tallies.computeIfAbsent(name + java.util.Arrays.toString(tags), key -> {
            Tally tally = rows.newTally();
            // The map keeps the tally alive: Micrometer only holds a function counter's object weakly.
            FunctionCounter.builder(name, tally, Tally::count).description(description).tags(tags)
                    .register(registry);
            return tally;
        });
    }

    /** A thread for answering queries: it counts without atomic instructions, in a row of its own. */
    public Thread answeringThread(Runnable task, String name) {
        return rows.newThread(task, name);
    }

    public String scrape() {
        return registry.scrape();
    }

    /** Counts one reply; {@code rcode} is 0-5, or {@link #RCODE_BADVERS}. */
    public void query(boolean overTcp, int qtype, int rcode) {
        int q = QTYPES.length;
        for (int i = 0; i < QTYPES.length; i++) {
            if (QTYPES[i] == qtype) {
                q = i;
                break;
            }
        }
        int r = rcode == RCODE_NOTAUTH ? RCODES.length - 1 : Math.min(rcode, RCODE_BADVERS);
        queries[overTcp ? 1 : 0][q][r].increment();
    }

    /** The counter of UDP responses of one kind that rate limiting dropped ("dropped") or truncated ("slipped"). */
    public Tally rateLimited(String kind, String action) {
        return tally("geodns_rate_limited_responses",
                "UDP responses over the rate limit: dropped, or slipped as truncated replies",
                "kind", kind, "action", action);
    }

    public void dropped() {
        dropped.increment();
    }

    public void malformed() {
        malformed.increment();
    }

    public void clientSubnet(boolean present) {
        (present ? withSubnet : withoutSubnet).increment();
    }

    public void geoipCache(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    public Tally failOpen() {
        return failOpen;
    }

    /** The counter of answers for one geo name from one location. */
    public Tally geoAnswers(String name, String location) {
        return tally("geodns_geo_answers", "geo answers by name and chosen location", "name", name,
                "location", location);
    }

    public void reload(boolean ok) {
        (ok ? reloadsOk : reloadsFailed).increment();
    }

    /** The serial of every zone served now; zones no longer served lose their gauge. */
    public void zoneSerials(Map<String, Long> serials) {
        zoneSerials.keySet().stream().filter(zone -> !serials.containsKey(zone)).toList().forEach(zone -> {
            zoneSerials.remove(zone);
            Gauge gone = registry.find("geodns_zone_serial").tag("zone", zone).gauge();
            if (gone != null) {
                registry.remove(gone);
            }
        });
        serials.forEach((zone, serial) -> {
            if (zoneSerials.put(zone, serial) == null) {
                Gauge.builder("geodns_zone_serial", zoneSerials, m -> m.getOrDefault(zone, 0L)).tag("zone", zone)
                        .description("the SOA serial of each zone served now").register(registry);
            }
        });
    }
    /** 1 for each zone whose content changed without a new serial (secondaries do not see it), else 0. */
    public void zonesSerialStale(java.util.Collection<String> zones, java.util.Set<String> stale) {
        zoneStale.keySet().stream().filter(zone -> !zones.contains(zone)).toList().forEach(zone -> {
            zoneStale.remove(zone);
            Gauge gone = registry.find("geodns_zone_serial_stale").tag("zone", zone).gauge();
            if (gone != null) {
                registry.remove(gone);
            }
        });
        zones.forEach(zone -> {
            if (zoneStale.put(zone, stale.contains(zone)) == null) {
                Gauge.builder("geodns_zone_serial_stale", zoneStale, m -> Boolean.TRUE.equals(m.get(zone)) ? 1 : 0)
                        .tag("zone", zone).description("1 while the zone's content differs from what it was when "
                                + "its serial was first served: secondaries will not transfer it")
                        .register(registry);
            }
        });
    }

    public void probe(String node, boolean ok, Duration took) {
        Timer.builder("geodns_probe_duration").tags("node", node, "result", ok ? "ok" : "failed")
                .description("health probes of each node, by outcome, and how long they took")
                .register(registry).record(took);
    }

    public void nodeUp(String node, boolean up) {
        if (nodesUp.put(node, up) == null) {
            Gauge.builder("geodns_node_up", nodesUp, m -> Boolean.TRUE.equals(m.get(node)) ? 1 : 0)
                    .description("1 while the node counts as up (its answers are given), else 0")
                    .tag("node", node).register(registry);
        }
    }

    public void transition(String node, boolean up) {
        Counter.builder("geodns_health_transitions").tags("node", node, "to", up ? "up" : "down")
                .description("nodes going down (fall failures in a row) or up again (rise successes)")
                .register(registry).increment();
    }

    /**
     * The counter of GeoIP lookups that failed on the database ({@code reason}: search_tree, record, file_fault)
     * and of databases dropped because their file was written over in place (changed_in_place).
     */
    public Counter geoipErrors(String reason) {
        return Counter.builder("geodns_geoip_errors").description(
                "GeoIP lookups that failed on a damaged database (answered as unknown), and databases dropped")
                .tag("reason", reason).register(registry);
    }

    /** 1 while a GeoIP database places clients, 0 while every client gets each name's unknown order. */
    public void geoipDatabaseInUse(java.util.function.BooleanSupplier inUse) {
        Gauge.builder("geodns_geoip_database_in_use", () -> inUse.getAsBoolean() ? 1 : 0).description(
                "1 while a GeoIP database places clients; 0 after one was dropped as damaged").register(registry);
    }

    /** The query log's dropped entries, read at scrape time (the answering threads never touch this counter). */
    public void queryLog(QueryLog log) {
        FunctionCounter.builder("geodns_query_log_dropped", log, QueryLog::dropped).description(
                "sampled queries the query log dropped: its writer fell behind, or could not write").register(registry);
    }

    // Shared health (health: share:): fetched views, each observer's verdicts, the merged ones.
    private final Map<String, Double> peerNodesUp = new ConcurrentHashMap<>();
    private final Map<String, Boolean> sharedUp = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean partitioned = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean partitionedRegistered =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** One fetch of a peer's view: ok, failed, oversized, forged, malformed, replayed, stale, wrong_instance. */
    public void peerView(String peer, String result) {
        Counter.builder("geodns_peer_views").tags("peer", peer, "result", result)
                .description("fetches of a peer's view by result: ok (counted), or why it was ignored")
                .register(registry).increment();
    }

    /** What {@code observer} (a peer) says of {@code node}: 1 up, 0 down, NaN while its view is not fresh. */
    public void peerNodeUp(String observer, String node, Boolean up) {
        String key = observer + "\u0000" + node;
        if (peerNodesUp.put(key, up == null ? Double.NaN : up ? 1.0 : 0.0) == null) {
            Gauge.builder("geodns_peer_node_up", peerNodesUp, m -> m.getOrDefault(key, Double.NaN))
                    .description("each peer's own verdict on each node: 1 up, 0 down, NaN while its view is not fresh")
                    .tags("observer", observer, "node", node).register(registry);
        }
    }

    /** The merged verdict on {@code node}, and a transition of it when it changed. */
    public void sharedNodeUp(String node, boolean up, boolean changed) {
        if (sharedUp.put(node, up) == null) {
            Gauge.builder("geodns_shared_node_up", sharedUp, m -> Boolean.TRUE.equals(m.get(node)) ? 1 : 0)
                    .description("1 while the merged verdict of the instances (or this one's own, partitioned) is up")
                    .tag("node", node).register(registry);
        }
        if (changed) {
            Counter.builder("geodns_shared_transitions").tags("node", node, "to", up ? "up" : "down")
                    .description("merged verdicts going down (a majority of fresh views say so) or up again")
                    .register(registry).increment();
        }
    }

    /** 1 while too few peers' views are fresh to decide together, and this instance uses its own view alone. */
    public void sharedPartitioned(boolean now) {
        partitioned.set(now);
        if (partitionedRegistered.compareAndSet(false, true)) {
            Gauge.builder("geodns_shared_partitioned", partitioned, p -> p.get() ? 1 : 0)
                    .description("1 while fewer fresh views than a majority of the instances: own view only")
                    .register(registry);
        }
    }
}
