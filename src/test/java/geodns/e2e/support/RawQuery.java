package geodns.e2e.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds DNS messages byte by byte, including ones no well-behaved library would write (two OPT records, an OPT
 * with an owner name, QR=1, odd opcodes, wrong counts). Counts default to what was added.
 */
public final class RawQuery {
    public static final int TYPE_A = 1;
    public static final int TYPE_TXT = 16;
    public static final int TYPE_OPT = 41;
    public static final int CLASS_IN = 1;

    private final int id;
    private int flags = 0x0100; // RD
    private final List<byte[]> questions = new ArrayList<>();
    private final List<byte[]> additionals = new ArrayList<>();
    private Integer qdcount;
    private Integer arcount;
    private byte[] tail = new byte[0];

    private RawQuery(int id) {
        this.id = id & 0xffff;
    }

    /** A standard query (opcode 0, RD) with no question yet. */
    public static RawQuery withId(int id) {
        return new RawQuery(id);
    }

    /** A standard query for {@code name} IN {@code type}. */
    public static RawQuery query(int id, String name, int type) {
        return new RawQuery(id).question(name, type, CLASS_IN);
    }

    public RawQuery opcode(int opcode) {
        flags = (flags & ~0x7800) | ((opcode & 0xf) << 11);
        return this;
    }

    public RawQuery qr() {
        flags |= 0x8000;
        return this;
    }

    public RawQuery question(String name, int type, int dnsClass) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(name(name));
        u16(out, type);
        u16(out, dnsClass);
        questions.add(out.toByteArray());
        return this;
    }

    /** An OPT record owned by the root: EDNS {@code version}, payload {@code udpSize}, no flags or options. */
    public RawQuery opt(int version, int udpSize) {
        return opt(new byte[] {0}, version, udpSize);
    }

    /** An OPT record with the given owner name in wire form. */
    public RawQuery opt(byte[] ownerWire, int version, int udpSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ownerWire);
        u16(out, TYPE_OPT);
        u16(out, udpSize);
        out.write(0); // extended RCODE
        out.write(version);
        u16(out, 0); // flags
        u16(out, 0); // RDLENGTH
        additionals.add(out.toByteArray());
        return this;
    }

    public RawQuery qdcount(int count) {
        this.qdcount = count;
        return this;
    }

    public RawQuery arcount(int count) {
        this.arcount = count;
        return this;
    }

    /** Bytes appended after everything else, counted nowhere. */
    public RawQuery tail(byte[] bytes) {
        this.tail = bytes.clone();
        return this;
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, id);
        u16(out, flags);
        u16(out, qdcount != null ? qdcount : questions.size());
        u16(out, 0);
        u16(out, 0);
        u16(out, arcount != null ? arcount : additionals.size());
        questions.forEach(out::writeBytes);
        additionals.forEach(out::writeBytes);
        out.writeBytes(tail);
        return out.toByteArray();
    }

    /** {@code name} ("www.example.com." or "www.example.com") as uncompressed wire labels, letter case kept. */
    public static byte[] name(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (!n.isEmpty()) {
            for (String label : n.split("\\.")) {
                byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                out.write(b.length);
                out.writeBytes(b);
            }
        }
        out.write(0);
        return out.toByteArray();
    }

    static void u16(ByteArrayOutputStream out, int value) {
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }
}
