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

    boolean hasClientSubnet;
    int ecsFamily;
    int ecsSourcePrefix;
    final byte[] ecsAddress = new byte[16];

    public int id() { return id; }
    public int qtype() { return qtype; }
    public int qclass() { return qclass; }
    public boolean hasOpt() { return hasOpt; }
    public int udpPayloadSize() { return udpPayloadSize; }
    public boolean hasClientSubnet() { return hasClientSubnet; }
    public int ecsFamily() { return ecsFamily; }
    public int ecsSourcePrefix() { return ecsSourcePrefix; }
    public byte[] ecsAddress() { return ecsAddress; }

    public byte[] name() { return name; }
    public int nameLength() { return nameLength; }
    public int labelCount() { return labelCount; }
    /** Where the suffix that drops the first {@code label} labels starts in {@link #name()}. */
    public int labelStart(int label) { return label == labelCount ? nameLength - 1 : labelStarts[label]; }

    /** Length of the question section as received (name, type and class), which replies copy verbatim. */
    public int questionLength() { return questionEnd - Header.LENGTH; }
    byte[] packet() { return packet; }
}
