package geodns.server.wire;

/**
 * The part of a reply after the question, encoded once at load time: answer, authority and additional records,
 * their counts, and the header bits (AA, rcode) that go with them. Names inside point only at the question
 * (offset 12) or are written in full, so the bytes fit any query for the name they were built for.
 *
 * @param signed in a zone with DNSSEC keys, the same answer for a query with the DO bit (RRSIGs, NSEC proofs),
 *               encoded beside this one at build time; null when there is none (no keys, or this is it)
 */
public record Sections(byte[] bytes, int answerCount, int authorityCount, int additionalCount, int flags,
                       Sections signed) {

    public Sections(byte[] bytes, int answerCount, int authorityCount, int additionalCount, int flags) {
        this(bytes, answerCount, authorityCount, additionalCount, flags, null);
    }

    public static Sections empty(int flags) {
        return new Sections(new byte[0], 0, 0, 0, flags);
    }

    /** This answer with its DNSSEC variant beside it. */
    public Sections withSigned(Sections variant) {
        return new Sections(bytes, answerCount, authorityCount, additionalCount, flags, variant);
    }

    /** What a query with the DO bit gets: the signed variant when there is one. */
    public Sections forDnssec() {
        return signed == null ? this : signed;
    }

    public int rcode() {
        return flags & 0xf;
    }

    public boolean authoritative() {
        return (flags & Header.AA) != 0;
    }
}
