package geodns.server.testing;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Builds DNS packets byte by byte, so tests can write exactly the malformed input they mean. */
public final class Packet {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A header with id 0x1234, the given flags and section counts. */
    public static Packet header(int flags, int qd, int an, int ns, int ar) {
        return new Packet().u16(0x1234).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }

    /** A standard query header (RD set) with one question and {@code ar} additional records. */
    public static Packet query(int ar) {
        return header(0x0100, 1, 0, 0, ar);
    }

    public Packet u8(int value) {
        out.write(value);
        return this;
    }

    public Packet u16(int value) {
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    public Packet u32(long value) {
        return u16((int) (value >>> 16)).u16((int) value);
    }

    public Packet bytes(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    public Packet bytes(byte[] values) {
        out.write(values, 0, values.length);
        return this;
    }

    /** A name in wire form from dotted text, uncompressed, ending with the root label ("." is the root). */
    public Packet name(String dotted) {
        if (!dotted.equals(".")) {
            for (String label : dotted.split("\\.")) {
                out.write(label.length());
                for (char c : label.toCharArray()) {
                    out.write(c);
                }
            }
        }
        out.write(0);
        return this;
    }

    /** A compression pointer to {@code offset}. */
    public Packet pointer(int offset) {
        return u16(0xc000 | offset);
    }

    /** Name, type and class IN. */
    public Packet question(String name, int type) {
        return name(name).u16(type).u16(1);
    }

    /** An OPT record owned by the root: payload size, extended rcode, version, DO bit, and raw rdata. */
    public Packet opt(int payload, int version, boolean dnssecOk, byte[] rdata) {
        return u8(0).u16(41).u16(payload).u8(0).u8(version).u16(dnssecOk ? 0x8000 : 0)
                .u16(rdata.length).bytes(rdata);
    }

    public Packet opt(int payload) {
        return opt(payload, 0, false, new byte[0]);
    }

    public int size() {
        return out.size();
    }

    public byte[] build() {
        return out.toByteArray();
    }

    /** One EDNS option: code, length, data. */
    public static byte[] option(int code, byte[] data) {
        return new Packet().u16(code).u16(data.length).bytes(data).build();
    }

    /** An EDNS Client Subnet option (RFC 7871 §6) with the given address bytes, written as they are. */
    public static byte[] clientSubnet(int family, int sourcePrefix, int scopePrefix, int... address) {
        Packet data = new Packet().u16(family).u8(sourcePrefix).u8(scopePrefix).bytes(address);
        return option(8, data.build());
    }

    public static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
