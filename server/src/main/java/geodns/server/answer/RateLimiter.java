package geodns.server.answer;

import geodns.server.route.ClientGroup;
import geodns.server.route.Murmur;
import geodns.server.wire.Network;
import geodns.server.wire.Query;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Response rate limiting for UDP (RRL, as in BIND and Knot): answers to a spoofed source cannot be turned into a
 * flood at a victim. Responses are accounted per client network (/24 for IPv4, /56 for IPv6) and per
 * {@link Kind}; each account is a token bucket that gains {@code rate} responses every second, holds at most
 * {@code rate}, and may fall {@code window} seconds' worth into debt (BIND's window), so a network that keeps
 * flooding stays limited until it has been quiet for about that long. Over the limit most responses are dropped
 * and every {@code slip}-th is sent as an empty truncated reply, so a real client behind a spoofed network still
 * gets through by retrying over TCP, which is never limited.
 *
 * <p>A query with a client subnet (ECS) from a resolver is accounted by the resolver's network and the client
 * subnet (at most /24 or /56 of it) together, so one resolver answering for many clients is not limited as a
 * whole while one client subnet flooding through it still is. Because the subnet is the sender's word, the
 * resolver's network as a whole also has an account, {@link #ECS_AGGREGATE_FACTOR} times larger: a spoofer who
 * rotates client subnets gains that factor at most.
 *
 * <p>State is one fixed table of {@link #SLOTS} longs (512 KiB), indexed by a keyed hash of the account; a slot
 * holds a tag of the hash, the second it was last touched, a slip counter and the balance, updated with one
 * compare-and-set. Two accounts that share a slot evict each other (a new account starts with a full bucket),
 * as in Knot's table: the table is lossy but bounded, and the hot path takes no lock and allocates nothing.
 */
public final class RateLimiter {
    /** What kind of response is accounted: attackers reflect whichever kind is cheapest, so each has a budget. */
    public enum Kind {
        /** NOERROR with answer records. */
        ANSWER,
        /** NXDOMAIN, NODATA or a referral: the negative and delegation replies. */
        NEGATIVE,
        /** REFUSED, FORMERR, NOTIMP, SERVFAIL, BADVERS. */
        ERROR
    }

    /** What to do with one response. */
    public enum Verdict { SEND, DROP, SLIP }

    /**
     * @param rate   responses per second per network and kind; 0 turns rate limiting off
     * @param slip   every slip-th limited response is sent truncated; 0 drops them all, 1 truncates them all
     * @param window seconds of debt a flooding network runs up, i.e. how long it stays limited after it stops
     * @param exempt senders never limited
     */
    public record Settings(int rate, int slip, int window, List<Network> exempt) {
        public static final int DEFAULT_RATE = 200;
        public static final int DEFAULT_SLIP = 2;
        public static final int DEFAULT_WINDOW = 15;
        public static final List<Network> DEFAULT_EXEMPT = List.of(Network.LOOPBACK_V4, Network.LOOPBACK_V6);
        public static final int MAX_RATE = 100_000;
        public static final int MAX_SLIP = 15;
        public static final int MAX_WINDOW = 3600;

        public Settings {
            exempt = List.copyOf(exempt);
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_RATE, DEFAULT_SLIP, DEFAULT_WINDOW, DEFAULT_EXEMPT);
        }

        public boolean enabled() {
            return rate > 0;
        }
    }

    static final int SLOTS = 1 << 16;
    static final int ECS_AGGREGATE_FACTOR = 16;
    private static final int CAS_ATTEMPTS = 4;

    // Slot layout, high to low: tag 16 | second 20 | slip counter 4 | balance 24 (signed).
    private static final int BALANCE_BITS = 24;
    private static final int SLIP_SHIFT = 24;
    private static final int SECOND_SHIFT = 28;
    private static final int SECOND_MASK = (1 << 20) - 1;
    private static final int TAG_SHIFT = 48;
    private static final int MAX_DEBT = (1 << (BALANCE_BITS - 1)) - 1;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS);
    private final int rate;
    private final int slip;
    private final int window;
    private final Network[] exempt;
    private final LongSupplier nanoClock;
    private final long startNanos;
    /** Keys the hash, so nobody outside can aim two networks at one slot. */
    private final long seed;

    public RateLimiter(Settings settings) {
        this(settings, System::nanoTime, new SecureRandom().nextLong());
    }

    RateLimiter(Settings settings, LongSupplier nanoClock, long seed) {
        if (!settings.enabled() || settings.rate() > Settings.MAX_RATE || settings.slip() < 0
                || settings.slip() > Settings.MAX_SLIP || settings.window() < 1) {
            throw new IllegalArgumentException("rate limiting settings out of range: " + settings);
        }
        this.rate = settings.rate();
        this.slip = settings.slip();
        this.window = settings.window();
        this.exempt = settings.exempt().toArray(new Network[0]);
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.seed = seed;
    }

    /** The verdict for a response of {@code kind} to {@code q}, whose source is set; accounts the response. */
    public Verdict check(Query q, Kind kind) {
        int family = q.sourceFamily();
        byte[] source = q.sourceAddress();
        for (Network network : exempt) {
            if (network.contains(family, source)) {
                return Verdict.SEND;
            }
        }
        int second = (int) ((nanoClock.getAsLong() - startNanos) / 1_000_000_000L) & SECOND_MASK;
        long sourceGroup = ClientGroup.key(family, source, ClientGroup.prefix(family));
        long sourceKey = hash(seed, family, sourceGroup, kind.ordinal());
        // ECS is accounted for a subnet only when it names one (RFC 7871 §7.1.2) and only for answers chosen by
        // it; errors are not tailored to clients and stay with the sender.
        if (kind != Kind.ERROR && q.hasClientSubnet() && q.ecsSourcePrefix() > 0) {
            int ecsFamily = q.ecsFamily();
            int ecsPrefix = ClientGroup.capped(ecsFamily, q.ecsSourcePrefix());
            long subnetGroup = ClientGroup.key(ecsFamily, q.ecsAddress(), ecsPrefix);
            long subnetKey = hash(sourceKey, ecsFamily, subnetGroup, ecsPrefix);
            Verdict forSubnet = account(subnetKey, rate, second);
            if (forSubnet != Verdict.SEND) {
                return forSubnet;
            }
            return account(hash(sourceKey, 0xec5, 0, 0), rate * ECS_AGGREGATE_FACTOR, second);
        }
        return account(sourceKey, rate, second);
    }

    /** Debits one response from the bucket under {@code key}, which holds {@code limit} responses a second. */
    private Verdict account(long key, int limit, int second) {
        int index = (int) key & (SLOTS - 1);
        int tag = (int) (key >>> TAG_SHIFT) & 0xffff;
        if (tag == 0) {
            tag = 1; // 0 marks a slot never used
        }
        int floor = -(int) Math.min(MAX_DEBT, (long) limit * window);
        Verdict verdict = Verdict.SEND;
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            long old = slots.get(index);
            int balance;
            int slipCount;
            if ((int) (old >>> TAG_SHIFT) != tag) {
                balance = limit;
                slipCount = 0;
            } else {
                int stamp = (int) (old >>> SECOND_SHIFT) & SECOND_MASK;
                int elapsed = (second - stamp) & SECOND_MASK; // the clock wraps after 12 days
                balance = (int) (old << (64 - BALANCE_BITS) >> (64 - BALANCE_BITS));
                balance = (int) Math.min(limit, balance + (long) elapsed * limit);
                slipCount = (int) (old >>> SLIP_SHIFT) & 0xf;
            }
            if (balance > 0) {
                balance--;
                verdict = Verdict.SEND;
            } else {
                balance = Math.max(floor, balance - 1);
                slipCount = slip == 0 ? 0 : (slipCount + 1) % slip;
                verdict = slip > 0 && slipCount == 0 ? Verdict.SLIP : Verdict.DROP;
            }
            long updated = (long) tag << TAG_SHIFT | (long) second << SECOND_SHIFT | (long) slipCount << SLIP_SHIFT
                    | balance & ((1L << BALANCE_BITS) - 1);
            if (slots.compareAndSet(index, old, updated)) {
                return verdict;
            }
        }
        return verdict; // lost the race every time: the table is lossy by design
    }

    private static long hash(long seed, int family, long network, int extra) {
        long h = Murmur.mix(seed ^ network);
        return Murmur.mix(h ^ ((long) family << 40 | (long) extra << 8 | 0x5a));
    }
}
