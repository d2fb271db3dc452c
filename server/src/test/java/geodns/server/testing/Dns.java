package geodns.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.answer.Answerer;
import geodns.server.answer.Snapshot;
import geodns.server.metrics.Metrics;
import geodns.server.wire.Query;
import geodns.server.zone.Zones;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Writes zone folders, loads them, and asks the answerer questions built and read back by dnsjava. */
public final class Dns {
    public static final int CAP = 1232;

    private final Answerer answerer;
    private final Query query = new Query();
    private final byte[] out = new byte[65535];

    public Dns(Snapshot snapshot) {
        this.answerer = new Answerer(new AtomicReference<>(snapshot), CAP, new Metrics());
    }

    public static Path write(Path dir, String file, String text) {
        try {
            Path path = dir.resolve(file);
            Files.createDirectories(path.getParent());
            return Files.writeString(path, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads {@code dir}, which must be free of errors. */
    public static Dns serving(Path dir) {
        Zones.Loaded loaded = Zones.load(dir);
        assertTrue(loaded.ok(), () -> "zones did not load: " + loaded.errors());
        return new Dns(loaded.snapshot());
    }

    public static Message query(String name, int type, int dclass) {
        String absolute = name.endsWith(".") ? name : name + ".";
        return Message.newQuery(Record.newRecord(Name.fromConstantString(absolute), type, dclass));
    }

    public Message ask(String name, int type) {
        return ask(query(name, type, DClass.IN), false);
    }

    public Message askWithEdns(String name, int type, int payload) {
        Message query = query(name, type, DClass.IN);
        query.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
        return ask(query, false);
    }

    public Message ask(Message query, boolean overTcp) {
        byte[] reply = raw(query.toWire(), overTcp);
        try {
            return new Message(reply);
        } catch (IOException e) {
            throw new AssertionError("reply does not parse: " + e, e);
        }
    }

    /** The reply bytes for a packet; empty when no reply is sent. */
    public byte[] raw(byte[] packet, boolean overTcp) {
        return raw(packet, overTcp, java.net.InetAddress.getLoopbackAddress());
    }

    /** The reply bytes for a packet sent from {@code source}; empty when no reply is sent. */
    public byte[] raw(byte[] packet, boolean overTcp, java.net.InetAddress source) {
        int length = answerer.answer(packet, packet.length, overTcp, source, query, out);
        return Arrays.copyOf(out, length);
    }

    /** Asks over UDP as if the query came from {@code source} (a resolver's address, or a client's). */
    public Message ask(Message query, java.net.InetAddress source) {
        byte[] reply = raw(query.toWire(), false, source);
        try {
            return new Message(reply);
        } catch (IOException e) {
            throw new AssertionError("reply does not parse: " + e, e);
        }
    }

    /** A query with EDNS and an RFC 7871 client subnet option for {@code cidr} ("10.1.2.0/24", "2001:db8::/56"). */
    public static Message queryWithClientSubnet(String name, int type, String cidr) {
        int slash = cidr.indexOf('/');
        java.net.InetAddress address = address(cidr.substring(0, slash));
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        Message query = query(name, type, DClass.IN);
        query.addRecord(new OPTRecord(CAP, 0, 0, 0,
                java.util.List.of(new org.xbill.DNS.ClientSubnetOption(prefix, address))), Section.ADDITIONAL);
        return query;
    }

    /** The client subnet option of a reply, or null when it carries none. */
    public static org.xbill.DNS.ClientSubnetOption clientSubnet(Message reply) {
        OPTRecord opt = reply.getOPT();
        if (opt == null) {
            return null;
        }
        java.util.List<org.xbill.DNS.EDNSOption> options = opt.getOptions(org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET);
        return options.isEmpty() ? null : (org.xbill.DNS.ClientSubnetOption) options.get(0);
    }

    /** An address literal (no name lookup). */
    public static java.net.InetAddress address(String literal) {
        try {
            return java.net.InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
