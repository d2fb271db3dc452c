package geodns.e2e.support;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** A question and how to ask it (RD, EDNS version, payload size, flags, options). Chain the setters. */
public final class Ask {
    public record Option(int code, byte[] data) {
    }

    final String name;
    final String type;
    String dnsClass = "IN";
    boolean recursionDesired = true;
    boolean edns = true;
    int ednsVersion = 0;
    int bufsize = 1232;
    int ednsFlags = 0;
    final List<Option> options = new ArrayList<>();

    private Ask(String name, String type) {
        this.name = name.endsWith(".") ? name : name + ".";
        this.type = type;
    }

    /** A query for {@code name} (absolute, trailing dot optional) and {@code type} (a mnemonic: A, AAAA, ANY...). */
    public static Ask of(String name, String type) {
        return new Ask(name, type);
    }

    public Ask dnsClass(String mnemonic) {
        this.dnsClass = mnemonic;
        return this;
    }

    /** Clear RD in the query (dig +norecurse). */
    public Ask noRecurse() {
        this.recursionDesired = false;
        return this;
    }

    /** Send no OPT record (dig +noedns). */
    public Ask noEdns() {
        this.edns = false;
        return this;
    }

    public Ask ednsVersion(int version) {
        this.ednsVersion = version;
        return this;
    }

    /** The UDP payload size advertised in the OPT record (dig +bufsize). Default 1232, like dig. */
    public Ask bufsize(int size) {
        this.bufsize = size;
        return this;
    }

    /** The 16 flag bits of the OPT record's TTL (DO is 0x8000; the rest must be ignored by the server). */
    public Ask ednsFlags(int flags) {
        this.ednsFlags = flags;
        return this;
    }

    /** An EDNS option with its data in hex (dig +ednsopt=CODE:HEX). */
    public Ask option(int code, String hex) {
        this.options.add(new Option(code, HexFormat.of().parseHex(hex)));
        return this;
    }

    @Override
    public String toString() {
        return name + " " + dnsClass + " " + type;
    }
}
