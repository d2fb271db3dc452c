package geodns.e2e.support;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Real queries (written by dnsjava) and the ways a hostile or broken client can spoil them: bit flips, cut-offs,
 * wrong section counts, compression pointers anywhere, random OPT records and client subnets, splices and noise.
 * Seeded, so a run can be repeated; not thread-safe (one per sending thread).
 */
public final class PacketMutator {
    private static final String[] NAMES = {"www.example.com.", "example.com.", "app.example.com.",
            "shop.example.com.", "blog.example.com.", "nope.example.com.", "x.y.apps.example.com.",
            "www.k8s.example.com.", "big.example.com.", "example.org.", "."};
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.TXT, Type.NS, Type.SOA, Type.MX, Type.ANY,
            Type.CNAME, Type.AXFR};

    private final Random random;
    private final List<byte[]> seeds;

    public PacketMutator(long seed) {
        this.random = new Random(seed);
        this.seeds = seeds();
    }

    /** The real queries mutations start from. */
    public static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        try {
            for (String name : NAMES) {
                for (int type : TYPES) {
                    Message plain = query(name, type);
                    seeds.add(plain.toWire());
                    Message edns = query(name, type);
                    edns.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
                    seeds.add(edns.toWire());
                }
                Message ecs = query(name, Type.A);
                ecs.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(24,
                        InetAddress.getByName("203.0.113.0")))), Section.ADDITIONAL);
                seeds.add(ecs.toWire());
                Message ecs6 = query(name, Type.AAAA);
                ecs6.addRecord(new OPTRecord(4096, 0, 0, 0, List.of(new ClientSubnetOption(56,
                        InetAddress.getByName("2001:db8:40::")))), Section.ADDITIONAL);
                seeds.add(ecs6.toWire());
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return List.copyOf(seeds);
    }

    private static Message query(String name, int type) {
        return Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    }

    /** The next spoiled packet: never a response (QR=0), ids from 0x8000 up, so probes below that stand out. */
    public byte[] next() {
        byte[] p = spoil(seeds.get(random.nextInt(seeds.size())));
        if (p.length >= 3) {
            p[0] |= (byte) 0x80;
            if (random.nextInt(50) != 0) {
                p[2] &= 0x7f;  // mostly queries; a few responses, which must get no reply
            }
        }
        return p;
    }

    private byte[] spoil(byte[] seed) {
        switch (random.nextInt(10)) {
            case 0: { // bit flips
                byte[] p = seed.clone();
                for (int i = 1 + random.nextInt(8); i > 0; i--) {
                    p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return p;
            }
            case 1: // cut short
                return Arrays.copyOf(seed, random.nextInt(seed.length + 1));
            case 2: { // section counts that do not match the packet
                byte[] p = seed.clone();
                for (int at = 4; at < 12; at++) {
                    p[at] = (byte) (random.nextBoolean() ? random.nextInt(3) : random.nextInt(256));
                }
                return p;
            }
            case 3: { // compression pointers anywhere: loops, forward, past the end
                byte[] p = seed.clone();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    int at = 12 + random.nextInt(Math.max(1, p.length - 13));
                    if (at + 1 < p.length) {
                        int target = random.nextBoolean() ? at : random.nextInt(p.length + 64);
                        p[at] = (byte) (0xc0 | (target >>> 8 & 0x3f));
                        p[at + 1] = (byte) target;
                    }
                }
                return p;
            }
            case 4: // a random OPT record (payload, version, flags, options) after the question
                return withAdditional(seed, randomOpt());
            case 5: // two OPT records
                return withAdditional(withAdditional(seed, randomOpt()), randomOpt());
            case 6: { // a client subnet with any family, prefix and address length
                ByteArrayOutputStream ecs = new ByteArrayOutputStream();
                u16(ecs, random.nextInt(4));
                ecs.write(random.nextBoolean() ? random.nextInt(256) : random.nextInt(33));
                ecs.write(random.nextInt(4) == 0 ? random.nextInt(256) : 0);
                int length = random.nextInt(20);
                for (int i = 0; i < length; i++) {
                    ecs.write(random.nextInt(4) == 0 ? random.nextInt(256) : 0);
                }
                return withAdditional(seed, opt(random.nextInt(65536), 0, option(8, ecs.toByteArray())));
            }
            case 7: { // noise behind a plausible header
                byte[] p = new byte[12 + random.nextInt(500)];
                random.nextBytes(p);
                p[2] &= 0x01;
                p[4] = 0;
                p[5] = 1;
                return p;
            }
            case 8: { // splice two packets
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int cut = random.nextInt(seed.length);
                int from = random.nextInt(other.length);
                byte[] p = Arrays.copyOf(seed, cut + other.length - from);
                System.arraycopy(other, from, p, cut, other.length - from);
                return p;
            }
            default: { // pure noise, any length a datagram may have (mostly small)
                byte[] p = new byte[random.nextInt(20) == 0 ? random.nextInt(4000) : random.nextInt(600)];
                random.nextBytes(p);
                return p;
            }
        }
    }

    private byte[] randomOpt() {
        ByteArrayOutputStream options = new ByteArrayOutputStream();
        for (int i = random.nextInt(4); i > 0; i--) {
            byte[] data = new byte[random.nextInt(4) == 0 ? random.nextInt(600) : random.nextInt(12)];
            random.nextBytes(data);
            byte[] o = option(random.nextInt(16), data);
            if (random.nextInt(8) == 0) {  // an option length that lies
                o[2] = (byte) random.nextInt(256);
                o[3] = (byte) random.nextInt(256);
            }
            options.writeBytes(o);
        }
        byte[] opt = opt(random.nextInt(65536), random.nextInt(8) == 0 ? random.nextInt(256) : 0,
                options.toByteArray());
        if (random.nextInt(8) == 0) {
            opt[0] = (byte) random.nextInt(256);  // an owner other than the root
        }
        if (random.nextInt(8) == 0) {
            opt = Arrays.copyOf(opt, random.nextInt(opt.length));  // truncated OPT
        }
        return opt;
    }

    /** The seed's header and question with {@code record} as its one additional record (ARCOUNT 1 more). */
    private static byte[] withAdditional(byte[] packet, byte[] record) {
        byte[] p = Arrays.copyOf(packet, packet.length + record.length);
        System.arraycopy(record, 0, p, packet.length, record.length);
        if (p.length >= 12) {
            int ar = ((p[10] & 0xff) << 8 | (p[11] & 0xff)) + 1;
            p[10] = (byte) (ar >>> 8);
            p[11] = (byte) ar;
        }
        return p;
    }

    private static byte[] opt(int payload, int version, byte[] rdata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        u16(out, 41);
        u16(out, payload);
        out.write(0);
        out.write(version);
        u16(out, 0);
        u16(out, rdata.length);
        out.writeBytes(rdata);
        return out.toByteArray();
    }

    private static byte[] option(int code, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, code);
        u16(out, data.length);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    /** Random bytes from this mutator's seed, for TCP garbage. */
    public byte[] noise(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    public Random random() {
        return random;
    }
}
