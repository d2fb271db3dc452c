package geodns.server.answer;

import geodns.server.metrics.Metrics;
import geodns.server.metrics.QueryLog;
import geodns.server.metrics.Tally;
import geodns.server.wire.Codes;
import geodns.server.wire.Header;
import geodns.server.wire.ParseResult;
import geodns.server.wire.Query;
import geodns.server.wire.QueryParser;
import geodns.server.wire.Replies;
import geodns.server.wire.Sections;
import geodns.server.transfer.TransferAnswers;
import geodns.server.transfer.TransferStream;
import geodns.server.transfer.Verified;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place a packet becomes a reply. Reads the current snapshot once per query; its only other state is the
 * optional UDP rate limiter's table, consulted once the kind of response is known.
 */
public final class Answerer {
    /** What {@link #answer} returns for a zone transfer over TCP: the caller then takes {@link #stream}. */
    public static final int STREAM = -1;
    private static final int PLAIN_UDP_LIMIT = 512;

    private final AtomicReference<Snapshot> snapshot;
    private final int udpPayloadCap;
    private final Metrics metrics;
    private final QueryLog queryLog;
    /** Null when UDP responses are not rate limited. */
    private final RateLimiter rateLimiter;
    /** By {@link RateLimiter.Kind} ordinal: [dropped, slipped]. */
    private final Tally[][] rateLimited;
    private final TransferAnswers transfers;
    /** Our NSID option (RFC 5001), encoded once; null when this answerer has no instance name. */
    private final byte[] nsid;

    /** An answerer that logs no queries and limits no rate, as {@code geodns explain} wants. */
    public Answerer(AtomicReference<Snapshot> snapshot, int udpPayloadCap, Metrics metrics) {
        this(snapshot, udpPayloadCap, metrics, null, null);
    }

    /**
     * @param queryLog where sampled queries are logged; null for none
     * @param rateLimiter limits UDP responses per client network; null for none
     */
    public Answerer(AtomicReference<Snapshot> snapshot, int udpPayloadCap, Metrics metrics, QueryLog queryLog,
                    RateLimiter rateLimiter) {
        this(snapshot, udpPayloadCap, metrics, queryLog, rateLimiter, null);
    }

    /** @param instance this instance's name, sent as NSID to queries that ask for it; null sends none */
    public Answerer(AtomicReference<Snapshot> snapshot, int udpPayloadCap, Metrics metrics, QueryLog queryLog,
                    RateLimiter rateLimiter, String instance) {
        this.nsid = instance == null ? null : Replies.nsidOption(instance);
        this.queryLog = queryLog;
        this.snapshot = snapshot;
        this.udpPayloadCap = udpPayloadCap;
        this.metrics = metrics;
        this.rateLimiter = rateLimiter;
        RateLimiter.Kind[] kinds = RateLimiter.Kind.values();
        this.rateLimited = new Tally[kinds.length][];
        for (RateLimiter.Kind kind : kinds) {
            String name = kind.name().toLowerCase(java.util.Locale.ROOT);
            rateLimited[kind.ordinal()] = new Tally[] {
                metrics.rateLimited(name, "dropped"), metrics.rateLimited(name, "slipped")};
        }
        this.transfers = new TransferAnswers(metrics, udpPayloadCap);
    }

    /**
     * Answers the packet in {@code packet[0, length)} from {@code source} into {@code out}.
     *
     * @return the reply's length, or 0 when the packet deserves no reply
     */
    public int answer(byte[] packet, int length, boolean overTcp, InetAddress source, Query q, byte[] out) {
        ParseResult parsed = QueryParser.parse(packet, length, q);
        switch (parsed) {
            case DROP:
                metrics.dropped();
                return 0;
            case FORMERR:
                metrics.malformed();
                return error(q, overTcp, source, Header.FORMERR, out);
            case NOTIMP:
                // We are the primary: a NOTIFY has nothing to tell us. Knot refuses one its ACL does not allow.
                return error(q, overTcp, source, q.opcode() == Codes.OPCODE_NOTIFY ? Header.REFUSED : Header.NOTIMP, out);
            case BADVERS:
                return error(q, overTcp, source, Header.BADVERS, out);
            default:
                break;
        }
        metrics.clientSubnet(q.hasClientSubnet());
        int limit = overTcp ? Codes.MAX_MESSAGE : udpLimit(q);
        if (TransferAnswers.isTransfer(q)) {
            return overTcp ? STREAM
                    : transfers.overUdp(packet, length, source, q, snapshot.get().transfers(), limit, out);
        }
        if (q.qclass() != Codes.CLASS_IN && q.qclass() != Codes.CLASS_ANY) {
            return error(q, overTcp, source, Header.REFUSED, out);
        }
        if (q.hasTsig()) {
            return signed(packet, length, overTcp, source, q, limit, out);
        }
        return plain(overTcp, source, q, limit, out);
    }

    /** A thread to answer queries on: it counts them in metrics of its own, without atomic instructions. */
    public Thread newThread(Runnable task, String name) {
        return metrics.answeringThread(task, name);
    }

    /**
     * The reply to a zone transfer request over TCP, for which {@link #answer} returned {@link #STREAM}; call at
     * once, while {@code q} still holds that query.
     */
    public TransferStream stream(byte[] packet, int length, InetAddress source, Query q, byte[] out) {
        return transfers.stream(packet, length, source, q, snapshot.get().transfers(), out);
    }

    /** A query with a TSIG: answered as usual when it verifies, and the reply signed (RFC 8945 §5.3). */
    private int signed(byte[] packet, int length, boolean overTcp, InetAddress source, Query q, int limit,
                       byte[] out) {
        Verified verified = snapshot.get().transfers().verify(packet, length);
        if (!verified.ok()) {
            return transfers.tsigError(q, overTcp, verified, out);
        }
        int replyLength = plain(overTcp, source, q, limit - verified.key().recordLength(), out);
        if (replyLength == 0) {
            return 0;  // rate limited: dropped
        }
        return TransferAnswers.sign(q, verified, out, replyLength);
    }

    private int plain(boolean overTcp, InetAddress source, Query q, int limit, byte[] out) {
        q.source(source);
        Sections sections = snapshot.get().find(q);
        if (!overTcp && rateLimiter != null) {
            RateLimiter.Kind kind = kind(sections);
            RateLimiter.Verdict verdict = rateLimiter.check(q, kind);
            if (verdict != RateLimiter.Verdict.SEND) {
                return limited(q, kind, verdict, true, out);
            }
        }
        metrics.query(overTcp, q.qtype(), sections.rcode());
        if (queryLog != null && queryLog.sampled()) {
            queryLog.log(source.getHostAddress(), overTcp, q.nameText(), q.qtype(), sections.rcode(),
                    q.clientSubnetText(), q.replyScope());
        }
        return Replies.answer(q, sections, limit, udpPayloadCap, nsid, out);
    }

    private int error(Query q, boolean overTcp, InetAddress source, int rcode, byte[] out) {
        if (!overTcp && rateLimiter != null) {
            q.source(source);
            RateLimiter.Verdict verdict = rateLimiter.check(q, RateLimiter.Kind.ERROR);
            if (verdict != RateLimiter.Verdict.SEND) {
                return limited(q, RateLimiter.Kind.ERROR, verdict, rcode != Header.FORMERR, out);
            }
        }
        metrics.query(overTcp, q.qtype(), rcode == Header.BADVERS ? Metrics.RCODE_BADVERS : rcode);
        return Replies.error(q, rcode, udpPayloadCap, out);
    }

    private static RateLimiter.Kind kind(Sections sections) {
        return switch (sections.rcode()) {
            case Header.NOERROR -> sections.answerCount() > 0 ? RateLimiter.Kind.ANSWER : RateLimiter.Kind.NEGATIVE;
            case Header.NXDOMAIN -> RateLimiter.Kind.NEGATIVE;
            default -> RateLimiter.Kind.ERROR;
        };
    }

    /** A response over the rate limit: nothing, or (slip) an empty truncated reply that sends the client to TCP. */
    private int limited(Query q, RateLimiter.Kind kind, RateLimiter.Verdict verdict, boolean withOpt, byte[] out) {
        boolean slip = verdict == RateLimiter.Verdict.SLIP;
        rateLimited[kind.ordinal()][slip ? 1 : 0].increment();
        return slip ? Replies.truncated(q, withOpt, udpPayloadCap, out) : 0;
    }

    /** RFC 6891 §6.2.5: honour the advertised size up to our cap, and never below 512. */
    private int udpLimit(Query q) {
        if (!q.hasOpt()) {
            return PLAIN_UDP_LIMIT;
        }
        return Math.max(PLAIN_UDP_LIMIT, Math.min(q.udpPayloadSize(), udpPayloadCap));
    }
}
