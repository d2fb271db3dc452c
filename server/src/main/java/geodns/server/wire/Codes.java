package geodns.server.wire;

/**
 * The DNS numbers the server tests for, in one place: record types, classes, opcodes (IANA's DNS parameters) and
 * the largest message. Response codes are the header's, in {@link Header}.
 */
public final class Codes {
    public static final int TYPE_A = 1;
    public static final int TYPE_AAAA = 28;
    /** RFC 6891: the EDNS pseudo-record. */
    public static final int TYPE_OPT = 41;
    /** RFC 8945. */
    public static final int TYPE_TSIG = 250;
    public static final int TYPE_IXFR = 251;
    public static final int TYPE_AXFR = 252;
    public static final int TYPE_ANY = 255;

    public static final int CLASS_IN = 1;
    public static final int CLASS_ANY = 255;

    /** RFC 1996. */
    public static final int OPCODE_NOTIFY = 4;

    /** A message's length is 16 bits (the TCP length prefix, RFC 1035 §4.2.2). */
    public static final int MAX_MESSAGE = 65535;

    private Codes() {}
}
