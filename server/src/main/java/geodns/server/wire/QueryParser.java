package geodns.server.wire;

import static geodns.server.wire.Header.u16;

/**
 * Reads a query in place: header, the one question, and the OPT record with its client-subnet and NSID options.
 * Never throws on bad input and allocates nothing; malformed input becomes FORMERR or DROP.
 */
public final class QueryParser {
    static final int OPTION_CLIENT_SUBNET = 8;
    /** RFC 5001: a request for the server's identifier; empty in a query. */
    static final int OPTION_NSID = 3;
    private static final int MALFORMED = -1;

    private QueryParser() {}

    public static ParseResult parse(byte[] packet, int length, Query q) {
        q.packet = packet;
        q.questionEnd = Header.LENGTH;
        q.hasOpt = false;
        q.hasClientSubnet = false;
        q.hasTsig = false;
        q.replyScope = 0;
        q.proof = null;
        q.secondProof = null;
        q.nameLength = 0;
        q.labelCount = 0;
        if (length < Header.LENGTH) {
            return ParseResult.DROP;
        }
        q.id = u16(packet, 0);
        q.flags = u16(packet, 2);
        q.qdcount = u16(packet, 4);
        if ((q.flags & Header.QR) != 0) {
            return ParseResult.DROP;
        }
        boolean standardQuery = (q.flags & Header.OPCODE_MASK) == 0;
        if (q.qdcount != 1) {
            return standardQuery ? ParseResult.FORMERR : ParseResult.NOTIMP;
        }
        int end = readBody(packet, length, q);
        if (!standardQuery) {
            // Echo the question and OPT when they could be read (RFC 6891 §7), else a bare NOTIMP.
            if (end == MALFORMED) {
                q.questionEnd = Header.LENGTH;
                q.hasOpt = false;
            }
            return ParseResult.NOTIMP;
        }
        if (end == MALFORMED) {
            return ParseResult.FORMERR;
        }
        return q.hasOpt && q.ednsVersion > 0 ? ParseResult.BADVERS : ParseResult.QUERY;
    }

    /** Reads the question and the additional section; returns where it stopped, or MALFORMED. */
    private static int readBody(byte[] packet, int length, Query q) {
        int at = readQuestion(packet, length, q);
        if (at == MALFORMED) {
            return MALFORMED;
        }
        q.questionEnd = at;
        int skipped = u16(packet, 6) + u16(packet, 8);
        for (int i = 0; i < skipped && at != MALFORMED; i++) {
            at = skipRecord(packet, length, at);
        }
        int additional = u16(packet, 10);
        for (int i = 0; i < additional && at != MALFORMED; i++) {
            // RFC 8945 §5.1: a TSIG anywhere but last makes the message malformed.
            at = q.hasTsig ? MALFORMED : readAdditional(packet, length, at, q);
        }
        return at;
    }

    private static int readQuestion(byte[] p, int length, Query q) {
        int at = Header.LENGTH;
        int out = 0;
        while (true) {
            if (at >= length) {
                return MALFORMED;
            }
            int labelLength = p[at] & 0xff;
            if (labelLength == 0) {
                break;
            }
            // Compression or extended label types have no place in a question at offset 12.
            if (labelLength > 63 || out + labelLength + 2 > Query.MAX_NAME_LENGTH || at + 1 + labelLength > length) {
                return MALFORMED;
            }
            q.labelStarts[q.labelCount++] = out;
            q.name[out++] = (byte) labelLength;
            for (int i = 1; i <= labelLength; i++) {
                q.name[out++] = lower(p[at + i]);
            }
            at += 1 + labelLength;
        }
        q.name[out++] = 0;
        q.nameLength = out;
        at++;
        if (at + 4 > length) {
            return MALFORMED;
        }
        q.qtype = u16(p, at);
        q.qclass = u16(p, at + 2);
        return at + 4;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    /** Skips a possibly compressed name; returns the offset after it. */
    static int skipName(byte[] p, int length, int at) {
        int total = 0;
        while (at < length) {
            int b = p[at] & 0xff;
            if (b == 0) {
                return at + 1;
            }
            if ((b & 0xc0) == 0xc0) {
                return at + 2 <= length ? at + 2 : MALFORMED;
            }
            if (b > 63) {
                return MALFORMED;
            }
            total += b + 1;
            if (total > Query.MAX_NAME_LENGTH) {
                return MALFORMED;
            }
            at += b + 1;
        }
        return MALFORMED;
    }

    /** Skips an answer or authority record; an OPT there is malformed (RFC 6891 §6.1.1: additional only). */
    private static int skipRecord(byte[] p, int length, int at) {
        at = skipName(p, length, at);
        if (at == MALFORMED || at + 10 > length || u16(p, at) == Codes.TYPE_OPT) {
            return MALFORMED;
        }
        int end = at + 10 + u16(p, at + 8);
        return end <= length ? end : MALFORMED;
    }

    private static int readAdditional(byte[] p, int length, int at, Query q) {
        int nameStart = at;
        at = skipName(p, length, at);
        if (at == MALFORMED || at + 10 > length) {
            return MALFORMED;
        }
        int rdataStart = at + 10;
        int end = rdataStart + u16(p, at + 8);
        if (end > length) {
            return MALFORMED;
        }
        if (u16(p, at) == Codes.TYPE_TSIG) {
            q.hasTsig = true;
            q.tsigStart = nameStart;
            return end;
        }
        if (u16(p, at) != Codes.TYPE_OPT) {
            return end;
        }
        // RFC 6891 §6.1.1: one OPT at most, owned by the root.
        if (q.hasOpt || at != nameStart + 1) {
            return MALFORMED;
        }
        q.hasOpt = true;
        q.nsid = false;  // reset here, not per query: it means nothing without an OPT
        q.udpPayloadSize = u16(p, at + 2);
        q.ednsVersion = p[at + 5] & 0xff;
        q.dnssecOk = (p[at + 6] & 0x80) != 0;
        return readOptions(p, rdataStart, end, q) ? end : MALFORMED;
    }

    private static boolean readOptions(byte[] p, int at, int end, Query q) {
        while (at < end) {
            if (at + 4 > end) {
                return false;
            }
            int code = u16(p, at);
            int optionLength = u16(p, at + 2);
            int data = at + 4;
            if (data + optionLength > end) {
                return false;
            }
            if (code == OPTION_CLIENT_SUBNET && !readClientSubnet(p, data, optionLength, q)) {
                return false;
            }
            q.nsid |= code == OPTION_NSID;
            at = data + optionLength;
        }
        return true;
    }

    /** RFC 7871 §6: the address carries exactly the source prefix's bytes, with no bits set past it. */
    private static boolean readClientSubnet(byte[] p, int at, int length, Query q) {
        if (length < 4 || q.hasClientSubnet) {
            return false;
        }
        int family = u16(p, at);
        int sourcePrefix = p[at + 2] & 0xff;
        int maxPrefix = family == 1 ? 32 : family == 2 ? 128 : -1;
        if (sourcePrefix > maxPrefix) {
            return false;
        }
        int addressLength = length - 4;
        if (addressLength != (sourcePrefix + 7) / 8) {
            return false;
        }
        if (sourcePrefix % 8 != 0) {
            int lastByte = p[at + 4 + addressLength - 1] & 0xff;
            if ((lastByte & (0xff >>> (sourcePrefix % 8))) != 0) {
                return false;
            }
        }
        java.util.Arrays.fill(q.ecsAddress, (byte) 0);
        System.arraycopy(p, at + 4, q.ecsAddress, 0, addressLength);
        q.ecsFamily = family;
        q.ecsSourcePrefix = sourcePrefix;
        q.hasClientSubnet = true;
        return true;
    }
}
