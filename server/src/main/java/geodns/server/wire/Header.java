package geodns.server.wire;

/** Offsets and bits of the 12-byte DNS header (RFC 1035 §4.1.1, RFC 6891 §6.1.3). */
public final class Header {
    public static final int LENGTH = 12;

    public static final int QR = 0x8000;
    public static final int AA = 0x0400;
    public static final int TC = 0x0200;
    public static final int RD = 0x0100;
    public static final int CD = 0x0010;
    static final int OPCODE_MASK = 0x7800;

    public static final int NOERROR = 0;
    public static final int FORMERR = 1;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int NOTIMP = 4;
    public static final int REFUSED = 5;
    /** RFC 8945 §5.3.2: the TSIG on a request did not verify. */
    public static final int NOTAUTH = 9;
    /** Extended rcode 16: only its upper 8 bits travel, in the OPT record's TTL. */
    public static final int BADVERS = 16;

    private Header() {}

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static void put16(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }
}
