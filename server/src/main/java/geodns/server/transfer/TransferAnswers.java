package geodns.server.transfer;

import geodns.server.metrics.Metrics;
import geodns.server.wire.Codes;
import geodns.server.wire.Header;
import geodns.server.wire.Query;
import geodns.server.wire.Replies;
import geodns.server.wire.Sections;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Serial;
import org.xbill.DNS.TSIGRecord;

/**
 * Zone transfers (RFC 5936 AXFR, RFC 1995 IXFR) and signed requests (RFC 8945 TSIG). Off the hot path: only
 * transfer requests and signed queries come here, and they may allocate.
 *
 * <p>Who gets a transfer: the zone must be offered (transfer.yaml), the source address in its allow-list
 * (else REFUSED), and when the zone has a key the request must be signed with it (else NOTAUTH, with the
 * TSIG error BADKEY when signed with another key). IXFR gets the whole zone AXFR-style (RFC 1995 §4), as Knot
 * does without a journal: we keep no history to build differences from; an IXFR whose serial is current gets
 * the lone SOA. Over UDP no transfer fits: IXFR gets the lone SOA (RFC 1995 §2), telling the client to use TCP,
 * and AXFR an empty TC reply.
 */
public final class TransferAnswers {
    private static final Logger LOG = LoggerFactory.getLogger("geodns");
    private static final Sections TRUNCATED = Sections.empty(Header.AA | Header.TC);

    private final Metrics metrics;
    private final int udpPayloadCap;

    public TransferAnswers(Metrics metrics, int udpPayloadCap) {
        this.metrics = metrics;
        this.udpPayloadCap = udpPayloadCap;
    }

    public static boolean isTransfer(Query q) {
        return q.qtype() == Codes.TYPE_AXFR || q.qtype() == Codes.TYPE_IXFR;
    }

    /** The reply to a transfer request over TCP: the zone's messages, or one error message. */
    public TransferStream stream(byte[] packet, int length, InetAddress source, Query q, Transfers transfers,
                          byte[] out) {
        Verified verified = q.hasTsig() ? transfers.verify(packet, length) : Verified.UNSIGNED;
        if (!verified.ok()) {
            refused(q, source, "TSIG " + Rcode.TSIGstring(verified.error()));
            return TransferStream.single(out, tsigError(q, true, verified, out));
        }
        ZoneTransfer zone = zone(q, transfers);
        int refusal = refusal(zone, verified, source);
        if (refusal != Header.NOERROR) {
            refused(q, source, reason(zone, verified));
            return TransferStream.single(out, refusalReply(q, true, refusal, verified, out));
        }
        if (q.qtype() == Codes.TYPE_IXFR && upToDate(packet, length, zone)) {
            metrics.transfer(true);
            return TransferStream.single(out, signed(q, zone.soaOnly(), Codes.MAX_MESSAGE, verified, out));
        }
        metrics.transfer(true);
        metrics.query(true, q.qtype(), Header.NOERROR);
        LOG.info("{} {} serial {} to {}{}: {} records in {} messages", type(q), zone.origin(), zone.serial(),
                source.getHostAddress(), keyText(verified), zone.records(), zone.messages().size());
        return TransferStream.of(packet, length, zone.messages(), verified.key(), verified.request(),
                udpPayloadCap);
    }

    /** A transfer request over UDP: IXFR gets the lone SOA, AXFR an empty truncated reply; both mean "use TCP". */
    public int overUdp(byte[] packet, int length, InetAddress source, Query q, Transfers transfers, int limit,
                       byte[] out) {
        Verified verified = q.hasTsig() ? transfers.verify(packet, length) : Verified.UNSIGNED;
        if (!verified.ok()) {
            refused(q, source, "TSIG " + Rcode.TSIGstring(verified.error()));
            return tsigError(q, false, verified, out);
        }
        ZoneTransfer zone = zone(q, transfers);
        int refusal = refusal(zone, verified, source);
        if (refusal != Header.NOERROR) {
            refused(q, source, reason(zone, verified));
            return refusalReply(q, false, refusal, verified, out);
        }
        metrics.query(false, q.qtype(), Header.NOERROR);
        return signed(q, q.qtype() == Codes.TYPE_IXFR ? zone.soaOnly() : TRUNCATED, limit, verified, out);
    }

    public int tsigError(Query q, boolean overTcp, Verified verified, byte[] out) {
        if (isTransfer(q)) {
            metrics.transfer(false);
        }
        if (verified.error() == Rcode.FORMERR || verified.request() == null) {
            metrics.query(overTcp, q.qtype(), Header.FORMERR);
            return Replies.tsigFormatError(q, udpPayloadCap, out);
        }
        metrics.query(overTcp, q.qtype(), Header.NOTAUTH);
        int length = Replies.error(q, Header.NOTAUTH, udpPayloadCap, out);
        // RFC 8945 §5.3.2: the MAC checked out but the time or its length did not: signed; else unsigned.
        TSIGRecord tsig = verified.error() == Rcode.BADTIME || verified.error() == Rcode.BADTRUNC
                ? verified.key().signedError(out, length, q.id(), verified.request(), verified.error())
                : TsigKey.unsigned(verified.request(), q.id(), verified.error());
        return TsigKey.append(out, length, tsig);
    }

    /** Appends the TSIG of a verified request's key to the reply in {@code out[0, length)}. */
    public static int sign(Query q, Verified verified, byte[] out, int length) {
        if (verified.key() == null) {
            return length;
        }
        TSIGRecord tsig = verified.key().sign(out, length, q.id(), verified.request(), true);
        return TsigKey.append(out, length, tsig);
    }

    private int signed(Query q, Sections sections, int limit, Verified verified, byte[] out) {
        int reserve = verified.key() == null ? 0 : verified.key().recordLength();
        return sign(q, verified, out, Replies.answer(q, sections, limit - reserve, udpPayloadCap, out));
    }

    private int refusalReply(Query q, boolean overTcp, int rcode, Verified verified, byte[] out) {
        metrics.transfer(false);
        metrics.query(overTcp, q.qtype(), rcode);
        int length = Replies.error(q, rcode, udpPayloadCap, out);
        if (verified.signed() && verified.key() != null && rcode == Header.NOTAUTH) {
            // Signed with a key we hold, but not the zone's: RFC 8945 §5.2.2 BADKEY, unsigned.
            return TsigKey.append(out, length, TsigKey.unsigned(verified.request(), q.id(), Rcode.BADKEY));
        }
        return sign(q, verified, out, length);
    }

    private static ZoneTransfer zone(Query q, Transfers transfers) {
        if (q.qclass() != Codes.CLASS_IN && q.qclass() != Codes.CLASS_ANY) {
            return null;
        }
        try {
            return transfers.zone(new Name(Arrays.copyOf(q.name(), q.nameLength())));
        } catch (IOException e) {
            return null;
        }
    }

    private static int refusal(ZoneTransfer zone, Verified verified, InetAddress source) {
        if (zone == null || !zone.rules().allows(source)) {
            return Header.REFUSED;
        }
        TsigKey required = zone.rules().key();
        return required == null || required == verified.key() ? Header.NOERROR : Header.NOTAUTH;
    }

    private static String reason(ZoneTransfer zone, Verified verified) {
        if (zone == null) {
            return "not a zone offered for transfer";
        }
        TsigKey required = zone.rules().key();
        if (required != null && required != verified.key()) {
            return verified.key() == null ? "not signed with key " + required.name()
                    : "signed with key " + verified.key().name() + ", not " + required.name();
        }
        return "address not in the allow-list";
    }

    private void refused(Query q, InetAddress source, String reason) {
        LOG.info("{} {} from {} refused: {}", type(q), q.nameText(), source.getHostAddress(), reason);
    }

    /** RFC 1995 §2: the client's SOA (authority section) already has our serial or a later one. */
    private static boolean upToDate(byte[] packet, int length, ZoneTransfer zone) {
        try {
            for (Record r : new Message(Arrays.copyOf(packet, length)).getSection(Section.AUTHORITY)) {
                if (r instanceof SOARecord soa) {
                    return Serial.compare(soa.getSerial(), zone.serial()) >= 0;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String type(Query q) {
        return q.qtype() == Codes.TYPE_AXFR ? "AXFR" : "IXFR";
    }

    private static String keyText(Verified verified) {
        return verified.key() == null ? "" : " (key " + verified.key().name() + ")";
    }
}
