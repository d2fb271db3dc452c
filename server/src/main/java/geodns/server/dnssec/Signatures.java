package geodns.server.dnssec;

import java.nio.ByteBuffer;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;

/**
 * The zones' keys and the signatures made with them, kept from one snapshot build to the next: a build asks for
 * the RRSIGs of every RRset it will serve, and only RRsets not signed before (a health change's new geo answer)
 * or whose signature comes within {@link #RENEW_BEFORE} of expiry are signed again. Used at build time only, on
 * the one thread that builds snapshots; the answer path never signs.
 */
public final class Signatures {
    /** Resolvers whose clocks run a little behind still accept a fresh signature. */
    public static final Duration INCEPTION_SKEW = Duration.ofHours(1);
    public static final Duration VALIDITY = Duration.ofDays(14);
    /** A signature this close to expiry is made again; builds at least this often keep every answer valid. */
    public static final Duration RENEW_BEFORE = Duration.ofDays(7);
    /** How often a server with signed zones rebuilds its snapshot to renew them: well inside RENEW_BEFORE. */
    public static final Duration REBUILD_EVERY = Duration.ofHours(6);

    private final Map<Name, ZoneKeys> keys;
    private final Clock clock;
    private final Runnable onSign;
    /** Signatures used by the build in progress, and by the one before it (a health state flipping back). */
    private volatile Map<CacheKey, RRSIGRecord> current = new ConcurrentHashMap<>();
    private volatile Map<CacheKey, RRSIGRecord> previous = new ConcurrentHashMap<>();

    /**
     * @param keys   zone apex → its keys; a zone absent here is served unsigned
     * @param onSign called once for every signature made (the signatures-made counter)
     */
    public Signatures(Map<Name, ZoneKeys> keys, Clock clock, Runnable onSign) {
        this.keys = Map.copyOf(keys);
        this.clock = clock;
        this.onSign = onSign;
    }

    /** Signs with {@code keys}, counting each signature made in {@code metrics}. */
    public static Signatures of(Map<Name, ZoneKeys> keys, geodns.server.metrics.Metrics metrics) {
        return new Signatures(keys, Clock.systemUTC(), metrics::signatureMade);
    }

    /**
     * These signatures with new keys (a reload read the keys folder again): signatures of keys still signing
     * are kept, so a reload signs only what changed.
     */
    public synchronized Signatures withKeys(Map<Name, ZoneKeys> newKeys) {
        Signatures next = new Signatures(newKeys, clock, onSign);
        next.current = current;
        next.previous = previous;
        return next;
    }

    /** No zone is signed. */
    public static Signatures none() {
        return new Signatures(Map.of(), Clock.systemUTC(), () -> {});
    }

    public boolean any() {
        return !keys.isEmpty();
    }

    /** The keys of the zone at {@code apex}, or null when it is not signed. */
    public ZoneKeys keys(Name apex) {
        return keys.get(apex);
    }

    /** Starts a build: signatures not asked for by this build or the last are forgotten at the next. */
    public synchronized void startBuild() {
        previous = current;
        current = new ConcurrentHashMap<>();
    }

    /**
     * Signs, on every core, each of {@code rrsets} not signed before, so that the build (one thread) then finds
     * their signatures made: signing is nearly all of a signed build's time.
     */
    public void signAhead(ZoneKeys zone, List<List<Record>> rrsets) {
        rrsets.parallelStream().forEach(rrset -> sign(zone, rrset));
    }

    /**
     * The RRSIGs of one RRset (same owner, type and TTL), one per signing key of {@code zone}. Safe to call from
     * several threads of one build at once.
     */
    public List<Record> sign(ZoneKeys zone, List<Record> rrset) {
        Instant now = clock.instant();
        ByteBuffer content = ByteBuffer.wrap(canonical(rrset));
        List<Record> sigs = new ArrayList<>();
        for (ZoneKey key : zone.signing()) {
            CacheKey cacheKey = new CacheKey(key.tag(), key.dnskey().getAlgorithm(), content);
            RRSIGRecord sig = current.get(cacheKey);
            if (sig == null) {
                sig = previous.get(cacheKey);
            }
            if (sig == null || sig.getExpire().minus(RENEW_BEFORE).isBefore(now)) {
                sig = make(rrset, key.dnskey(), key.privateKey(), now);
            }
            current.put(cacheKey, sig);
            sigs.add(sig);
        }
        return sigs;
    }

    /**
     * {@code records} with the RRSIGs of each RRset after it; RRsets are runs of records of one owner and type.
     * Records that {@code unsigned} accepts (glue, a delegation's NS) are passed on without signatures.
     */
    public List<Record> withSignatures(ZoneKeys zone, List<Record> records,
                                       java.util.function.Predicate<Record> unsigned) {
        List<Record> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= records.size(); i++) {
            if (i < records.size() && sameRRset(records.get(start), records.get(i))) {
                continue;
            }
            List<Record> rrset = records.subList(start, i);
            out.addAll(rrset);
            if (!unsigned.test(rrset.get(0))) {
                out.addAll(sign(zone, rrset));
            }
            start = i;
        }
        return out;
    }

    private static boolean sameRRset(Record a, Record b) {
        return a.getType() == b.getType() && a.getName().equals(b.getName()) && a.getDClass() == b.getDClass();
    }

    private RRSIGRecord make(List<Record> records, org.xbill.DNS.DNSKEYRecord dnskey, PrivateKey privateKey,
                             Instant now) {
        RRset rrset = new RRset();
        records.forEach(rrset::addRR);
        try {
            RRSIGRecord sig = DNSSEC.sign(rrset, dnskey, privateKey, now.minus(INCEPTION_SKEW), now.plus(VALIDITY));
            onSign.run();
            return sig;
        } catch (DNSSEC.DNSSECException e) {
            // The keys were checked when read: a key that cannot sign is a bug, not bad input.
            throw new IllegalStateException("cannot sign " + rrset.getName() + " with key "
                    + dnskey.getFootprint() + ": " + e.getMessage(), e);
        }
    }

    /** Owner, type, TTL and every RDATA in canonical form and order: what the signature covers. */
    private static byte[] canonical(List<Record> rrset) {
        List<byte[]> wires = new ArrayList<>();
        for (Record r : rrset) {
            wires.add(r.toWireCanonical());
        }
        wires.sort(Comparator.comparing(ByteBuffer::wrap));
        int length = 0;
        for (byte[] w : wires) {
            length += w.length;
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        wires.forEach(all::put);
        return all.array();
    }

    private record CacheKey(int tag, int algorithm, ByteBuffer content) {}
}
