package geodns.server.wire;

import static geodns.server.wire.Header.put16;

/** Writes replies into a caller-owned buffer; returns their length. Allocates nothing. */
public final class Replies {
    static final int OPT_LENGTH = 11;
    /** Option code, length, family, source and scope prefix: the client subnet option before its address. */
    private static final int CLIENT_SUBNET_FIXED = 8;

    private Replies() {}

    /**
     * The reply to {@code q}: header, the question as received, {@code sections}, and an OPT record when the
     * query had one. When that exceeds {@code limit} the sections are left out and TC is set (RFC 2181 §9), so
     * the client retries over TCP. A client subnet in the query is echoed with the query's reply scope (RFC 7871
     * §7.2.1): 0 unless the answer was chosen for the client's network.
     */
    public static int answer(Query q, Sections sections, int limit, int advertisedPayload, byte[] out) {
        return answer(q, sections, limit, advertisedPayload, null, out);
    }

    /**
     * As above, and when the query asked for it (RFC 5001), our {@code nsid} option (from {@link #nsidOption}; null
     * for none) goes in the OPT record, counted against {@code limit} like the rest.
     */
    public static int answer(Query q, Sections sections, int limit, int advertisedPayload, byte[] nsid, byte[] out) {
        int questionLength = q.questionLength();
        boolean withNsid = q.hasOpt && q.nsid && nsid != null;
        Sections proof = q.proof;
        Sections secondProof = q.secondProof;
        int length = Header.LENGTH + questionLength + sections.bytes().length + optLength(q)
                + (withNsid ? nsid.length : 0)
                + (proof == null ? 0 : proof.bytes().length) + (secondProof == null ? 0 : secondProof.bytes().length);
        boolean truncated = length > limit;
        int flags = responseFlags(q, sections.flags()) | (truncated ? Header.TC : 0);
        int at = Header.LENGTH;
        System.arraycopy(q.packet, Header.LENGTH, out, at, questionLength);
        at += questionLength;
        int additional = 0;
        int authority = sections.authorityCount();
        if (!truncated) {
            System.arraycopy(sections.bytes(), 0, out, at, sections.bytes().length);
            at += sections.bytes().length;
            additional = sections.additionalCount();
            // Proofs are only given with sections that end in their authority records.
            if (proof != null) {
                System.arraycopy(proof.bytes(), 0, out, at, proof.bytes().length);
                at += proof.bytes().length;
                authority += proof.authorityCount();
            }
            if (secondProof != null) {
                System.arraycopy(secondProof.bytes(), 0, out, at, secondProof.bytes().length);
                at += secondProof.bytes().length;
                authority += secondProof.authorityCount();
            }
        }
        if (q.hasOpt) {
            int options = at = writeOpt(out, at, advertisedPayload, 0, q.dnssecOk);
            if (q.hasClientSubnet) {
                at = writeClientSubnet(out, at, q, q.replyScope);
            }
            if (withNsid) {
                System.arraycopy(nsid, 0, out, at, nsid.length);
                at += nsid.length;
                put16(out, options - 2, at - options);
            }
            additional++;
        }
        writeHeader(out, q.id, flags, 1,
                truncated ? 0 : sections.answerCount(),
                truncated ? 0 : authority,
                additional);
        return at;
    }

    /** An error reply: the question when it could be read, and OPT when the query had a valid one. */
    public static int error(Query q, int rcode, int advertisedPayload, byte[] out) {
        // A FORMERR from the parser may be about the OPT itself, so it gets none.
        return error(q, rcode, q.hasOpt && rcode != Header.FORMERR, advertisedPayload, out);
    }

    /**
     * FORMERR for a query that parsed whole but whose TSIG does not: its OPT was sound, and RFC 6891 §7 asks for
     * an OPT in every reply to a query that had one.
     */
    public static int tsigFormatError(Query q, int advertisedPayload, byte[] out) {
        return error(q, Header.FORMERR, q.hasOpt, advertisedPayload, out);
    }

    private static int error(Query q, int rcode, boolean withOpt, int advertisedPayload, byte[] out) {
        boolean withQuestion = q.questionEnd > Header.LENGTH;
        int at = Header.LENGTH;
        if (withQuestion) {
            System.arraycopy(q.packet, Header.LENGTH, out, at, q.questionLength());
            at += q.questionLength();
        }
        if (withOpt) {
            at = writeOpt(out, at, advertisedPayload, rcode >>> 4, q.dnssecOk);
        }
        int flags = (q.flags & (Header.OPCODE_MASK | Header.RD | Header.CD)) | Header.QR | (rcode & 0xf);
        writeHeader(out, q.id, flags, withQuestion ? 1 : 0, 0, 0, withOpt ? 1 : 0);
        return at;
    }

    /**
     * A rate-limited reply that slips through (RRL): TC set, the question when it was read, OPT (with the
     * client subnet, scope 0) when {@code withOpt} and the query had one, and nothing else, so a real client
     * retries over TCP.
     */
    public static int truncated(Query q, boolean withOpt, int advertisedPayload, byte[] out) {
        boolean withQuestion = q.questionEnd > Header.LENGTH;
        int at = Header.LENGTH;
        if (withQuestion) {
            System.arraycopy(q.packet, Header.LENGTH, out, at, q.questionLength());
            at += q.questionLength();
        }
        boolean opt = withOpt && q.hasOpt;
        if (opt) {
            at = writeOpt(out, at, advertisedPayload, 0, q.dnssecOk);
            if (q.hasClientSubnet) {
                at = writeClientSubnet(out, at, q, 0);
            }
        }
        int flags = (q.flags & (Header.OPCODE_MASK | Header.RD | Header.CD)) | Header.QR | Header.TC;
        writeHeader(out, q.id, flags, withQuestion ? 1 : 0, 0, 0, opt ? 1 : 0);
        return at;
    }

    /**
     * The NSID option (RFC 5001) that names this server: code, length and the name's bytes, encoded once at start.
     *
     * @throws IllegalArgumentException for a name of no bytes or of more than 255 (UTF-8)
     */
    public static byte[] nsidOption(String name) {
        // RFC 5001 §2.3: the payload is opaque bytes; --instance and a node name are short ASCII.
        byte[] text = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (text.length == 0 || text.length > 255) {
            throw new IllegalArgumentException("an NSID is 1 to 255 bytes, not '" + name + "'");
        }
        byte[] option = new byte[4 + text.length];
        put16(option, 0, QueryParser.OPTION_NSID);
        put16(option, 2, text.length);
        System.arraycopy(text, 0, option, 4, text.length);
        return option;
    }

    private static int optLength(Query q) {
        if (!q.hasOpt) {
            return 0;
        }
        return OPT_LENGTH + (q.hasClientSubnet ? CLIENT_SUBNET_FIXED + addressLength(q) : 0);
    }

    private static int addressLength(Query q) {
        return (q.ecsSourcePrefix + 7) / 8;
    }

    /** RFC 7871 §6: family, source prefix and address as the client sent them, and our scope. */
    private static int writeClientSubnet(byte[] out, int optStart, Query q, int scopePrefix) {
        int addressLength = addressLength(q);
        int at = optStart;
        put16(out, at - 2, CLIENT_SUBNET_FIXED + addressLength);
        put16(out, at, QueryParser.OPTION_CLIENT_SUBNET);
        put16(out, at + 2, 4 + addressLength);
        put16(out, at + 4, q.ecsFamily);
        out[at + 6] = (byte) q.ecsSourcePrefix;
        out[at + 7] = (byte) (q.ecsSourcePrefix == 0 ? 0 : scopePrefix);
        System.arraycopy(q.ecsAddress, 0, out, at + 8, addressLength);
        return at + CLIENT_SUBNET_FIXED + addressLength;
    }

    private static int responseFlags(Query q, int sectionFlags) {
        return Header.QR | (q.flags & (Header.RD | Header.CD)) | sectionFlags;
    }

    private static void writeHeader(byte[] out, int id, int flags, int qd, int an, int ns, int ar) {
        put16(out, 0, id);
        put16(out, 2, flags);
        put16(out, 4, qd);
        put16(out, 6, an);
        put16(out, 8, ns);
        put16(out, 10, ar);
    }

    /** RFC 6891 §6.1.2; the DO bit is copied from the query (RFC 3225 §3). */
    private static int writeOpt(byte[] out, int at, int payload, int extendedRcode, boolean dnssecOk) {
        out[at] = 0;
        put16(out, at + 1, Codes.TYPE_OPT);
        put16(out, at + 3, payload);
        out[at + 5] = (byte) extendedRcode;
        out[at + 6] = 0;
        out[at + 7] = (byte) (dnssecOk ? 0x80 : 0);
        out[at + 8] = 0;
        put16(out, at + 9, 0);
        return at + OPT_LENGTH;
    }
}
