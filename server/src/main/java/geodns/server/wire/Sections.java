package geodns.server.wire;

/**
 * The part of a reply after the question, encoded once at load time: answer, authority and additional records,
 * their counts, and the header bits (AA, rcode) that go with them. Names inside point only at the question
 * (offset 12) or are written in full, so the bytes fit any query for the name they were built for.
 */
public record Sections(byte[] bytes, int answerCount, int authorityCount, int additionalCount, int flags) {

    public static Sections empty(int flags) {
        return new Sections(new byte[0], 0, 0, 0, flags);
    }

    public int rcode() {
        return flags & 0xf;
    }

    public boolean authoritative() {
        return (flags & Header.AA) != 0;
    }
}
