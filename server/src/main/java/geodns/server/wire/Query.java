package geodns.server.wire;

/**
 * One parsed query. Each transport thread owns one and reuses it for query after query, so parsing allocates
 * nothing; fields stay valid until the next parse.
 */
public final class Query {
    public static final int MAX_NAME_LENGTH = 255;

    byte[] packet;
    int questionEnd;

    int id;
    int flags;
    int qdcount;

    /** The question name in wire form, lower-cased, ending with the root label. */
    final byte[] name = new byte[MAX_NAME_LENGTH];
    int nameLength;
    /** Offsets in {@link #name} where each label starts; the root label is not counted. */
    final int[] labelStarts = new int[128];
    int labelCount;
    int qtype;
    int qclass;

    boolean hasOpt;
    int udpPayloadSize;
    int ednsVersion;
    boolean dnssecOk;
    /** The OPT asked for our NSID (RFC 5001); set only while parsing an OPT, so read it with {@link #hasOpt}. */
    boolean nsid;

    boolean hasClientSubnet;
    int ecsFamily;
    int ecsSourcePrefix;
    final byte[] ecsAddress = new byte[16];

    /** Where the query came from (family 1 IPv4, 2 IPv6, as in ECS), for clients without a client subnet. */
    int sourceFamily;
    final byte[] sourceAddress = new byte[16];

    /** A TSIG record ends the additional section (RFC 8945 §5.1); it starts at {@link #tsigStart} in the packet. */
    boolean hasTsig;
    int tsigStart;

    /** ECS scope prefix for the reply: how many bits of the client's address the answer depends on. */
    int replyScope;

    /**
     * DNSSEC denial records that depend on the query name (the NSEC covering it, and the one covering the
     * wildcard at its closest encloser), chosen from a pre-signed chain and appended to the authority section;
     * null when none.
     */
    Sections proof;
    Sections secondProof;

    public int id() { return id; }
    public int opcode() { return (flags & Header.OPCODE_MASK) >>> 11; }
    public boolean hasTsig() { return hasTsig; }
    /** Where the TSIG record starts in the packet: the bytes before it are what its MAC covers. */
    public int tsigStart() { return tsigStart; }
    public int qtype() { return qtype; }
    public int qclass() { return qclass; }
    public boolean hasOpt() { return hasOpt; }
    public int udpPayloadSize() { return udpPayloadSize; }
    public boolean wantsNsid() { return hasOpt && nsid; }
    public boolean hasClientSubnet() { return hasClientSubnet; }
    public int ecsFamily() { return ecsFamily; }
    public int ecsSourcePrefix() { return ecsSourcePrefix; }
    public byte[] ecsAddress() { return ecsAddress; }
    /** The sender (family 1 IPv4 in the first 4 bytes, 2 IPv6), set by {@link #source}. */
    public int sourceFamily() { return sourceFamily; }
    public byte[] sourceAddress() { return sourceAddress; }

    /**
     * The client an answer is tailored to (RFC 7871 §7.1.2): the client subnet when the query carries one with
     * a prefix, else the sender; source prefix 0 means "use the resolver's address".
     */
    private boolean forSubnet() { return hasClientSubnet && ecsSourcePrefix > 0; }
    public int clientFamily() { return forSubnet() ? ecsFamily : sourceFamily; }
    public byte[] clientAddress() { return forSubnet() ? ecsAddress : sourceAddress; }
    public int clientPrefix() { return forSubnet() ? ecsSourcePrefix : sourceFamily == 1 ? 32 : 128; }
    public void replyScope(int prefix) { replyScope = prefix; }
    /** True when the query has an OPT with the DO bit (RFC 3225): it wants RRSIGs and NSEC proofs. */
    public boolean dnssecOk() { return hasOpt && dnssecOk; }
    /**
     * Adds pre-encoded authority records (records written in full, no additional section in the answer) to
     * the reply; {@code second} may be null.
     */
    public void proof(Sections first, Sections second) {
        proof = first;
        secondProof = second;
    }

    /** Records the sender; IPv4-mapped IPv6 senders (from a dual-stack socket) count as IPv4. */
    public void source(java.net.InetAddress address) {
        if (address instanceof java.net.Inet4Address) {
            int v4 = address.hashCode();  // Inet4Address's hash is its address: no copy needed
            sourceFamily = 1;
            sourceAddress[0] = (byte) (v4 >>> 24);
            sourceAddress[1] = (byte) (v4 >>> 16);
            sourceAddress[2] = (byte) (v4 >>> 8);
            sourceAddress[3] = (byte) v4;
            return;
        }
        byte[] v6 = address.getAddress();
        if (isV4Mapped(v6)) {
            sourceFamily = 1;
            System.arraycopy(v6, 12, sourceAddress, 0, 4);
        } else {
            sourceFamily = 2;
            System.arraycopy(v6, 0, sourceAddress, 0, 16);
        }
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    public byte[] name() { return name; }

    /** The question name as text, lower-cased, for logs; allocates, so never on the plain answering path. */
    public String nameText() {
        StringBuilder text = new StringBuilder();
        for (int label = 0; label < labelCount; label++) {
            int at = labelStarts[label];
            for (int i = at + 1; i <= at + (name[at] & 0xff); i++) {
                int c = name[i] & 0xff;
                if (c == '.' || c == '\\' || c == '"') {
                    text.append('\\').append((char) c);
                } else if (c > 0x20 && c < 0x7f) {
                    text.append((char) c);
                } else {
                    text.append(String.format("\\%03d", c));
                }
            }
            text.append('.');
        }
        return text.length() == 0 ? "." : text.toString();
    }

    /** The client subnet as sent, e.g. 203.0.113.0/24, for logs; null without one. */
    public String clientSubnetText() {
        if (!hasClientSubnet) {
            return null;
        }
        try {
            byte[] address = java.util.Arrays.copyOf(ecsAddress, ecsFamily == 1 ? 4 : 16);
            return java.net.InetAddress.getByAddress(address).getHostAddress() + "/" + ecsSourcePrefix;
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    public int replyScope() { return replyScope; }
    public int nameLength() { return nameLength; }
    public int labelCount() { return labelCount; }
    /** Where the suffix that drops the first {@code label} labels starts in {@link #name()}. */
    public int labelStart(int label) { return label == labelCount ? nameLength - 1 : labelStarts[label]; }

    /** Length of the question section as received (name, type and class), which replies copy verbatim. */
    public int questionLength() { return questionEnd - Header.LENGTH; }
}
