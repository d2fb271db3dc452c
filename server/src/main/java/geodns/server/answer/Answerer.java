package geodns.server.answer;

import geodns.server.metrics.Metrics;
import geodns.server.metrics.QueryLog;
import geodns.server.wire.Header;
import geodns.server.wire.ParseResult;
import geodns.server.wire.Query;
import geodns.server.wire.QueryParser;
import geodns.server.wire.Replies;
import geodns.server.wire.Sections;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;

/** The one place a packet becomes a reply. Reads the current snapshot once per query; holds no other state. */
public final class Answerer {
    public static final int CLASS_IN = 1;
    public static final int CLASS_ANY = 255;
    private static final int TYPE_IXFR = 251;
    private static final int TYPE_AXFR = 252;
    private static final int PLAIN_UDP_LIMIT = 512;
    public static final int TCP_LIMIT = 65535;

    private final AtomicReference<Snapshot> snapshot;
    private final int udpPayloadCap;
    private final Metrics metrics;
    private final QueryLog queryLog;

    public Answerer(AtomicReference<Snapshot> snapshot, int udpPayloadCap) {
        this(snapshot, udpPayloadCap, new Metrics());
    }

    public Answerer(AtomicReference<Snapshot> snapshot, int udpPayloadCap, Metrics metrics) {
        this(snapshot, udpPayloadCap, metrics, null);
    }

    /** @param queryLog where sampled queries are logged; null for none */
    public Answerer(AtomicReference<Snapshot> snapshot, int udpPayloadCap, Metrics metrics, QueryLog queryLog) {
        this.queryLog = queryLog;
        this.snapshot = snapshot;
        this.udpPayloadCap = udpPayloadCap;
        this.metrics = metrics;
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
                return error(q, overTcp, Header.FORMERR, out);
            case NOTIMP:
                return error(q, overTcp, Header.NOTIMP, out);
            case BADVERS:
                return error(q, overTcp, Header.BADVERS, out);
            default:
                break;
        }
        metrics.clientSubnet(q.hasClientSubnet());
        // Zone transfers are not offered (yet); REFUSED tells a secondary so at once.
        if (q.qclass() != CLASS_IN && q.qclass() != CLASS_ANY || q.qtype() == TYPE_IXFR || q.qtype() == TYPE_AXFR) {
            return error(q, overTcp, Header.REFUSED, out);
        }
        int limit = overTcp ? TCP_LIMIT : udpLimit(q);
        q.source(source);
        Sections sections = snapshot.get().find(q);
        metrics.query(overTcp, q.qtype(), sections.rcode());
        if (queryLog != null && queryLog.sampled()) {
            queryLog.log(source.getHostAddress(), overTcp, q.nameText(), q.qtype(), sections.rcode(),
                    q.clientSubnetText(), q.replyScope());
        }
        return Replies.answer(q, sections, limit, udpPayloadCap, out);
    }

    private int error(Query q, boolean overTcp, int rcode, byte[] out) {
        metrics.query(overTcp, q.qtype(), rcode == Header.BADVERS ? Metrics.RCODE_BADVERS : rcode);
        return Replies.error(q, rcode, udpPayloadCap, out);
    }

    /** RFC 6891 §6.2.5: honour the advertised size up to our cap, and never below 512. */
    private int udpLimit(Query q) {
        if (!q.hasOpt()) {
            return PLAIN_UDP_LIMIT;
        }
        return Math.max(PLAIN_UDP_LIMIT, Math.min(q.udpPayloadSize(), udpPayloadCap));
    }
}
