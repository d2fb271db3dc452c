package geodns.e2e.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Asks with dnsjava's {@link SimpleResolver} (truncation not retried, EDNS exactly as the {@link Ask} says). */
public final class Dnsjava {
    private static final int[] FLAG_BITS = {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD};

    private Dnsjava() {
    }

    /** The query message for {@code ask}, OPT included when the ask has EDNS. */
    public static Message query(Ask ask) {
        Name name;
        try {
            name = Name.fromString(ask.name);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(ask.name, e);
        }
        int type = Type.value(ask.type);
        int dnsClass = DClass.value(ask.dnsClass);
        if (type < 0 || dnsClass < 0) {
            throw new IllegalArgumentException("unknown type or class in " + ask);
        }
        Message query = Message.newQuery(Record.newRecord(name, type, dnsClass));
        if (!ask.recursionDesired) {
            query.getHeader().unsetFlag(Flags.RD);
        }
        if (ask.edns) {
            List<EDNSOption> options = new ArrayList<>();
            for (Ask.Option option : ask.options) {
                options.add(new GenericEDNSOption(option.code(), option.data()));
            }
            query.addRecord(new OPTRecord(ask.bufsize, 0, ask.ednsVersion, ask.ednsFlags, options),
                    Section.ADDITIONAL);
        }
        return query;
    }

    public static SimpleResolver resolver(InetSocketAddress server, Transport transport) {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(transport == Transport.TCP);
        resolver.setIgnoreTruncation(true);
        resolver.setEDNS(null); // the query carries its own OPT, or none
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver;
    }

    public static Reply ask(InetSocketAddress server, Transport transport, Ask ask) {
        Message query = query(ask);
        try {
            Message response = resolver(server, transport).send(query);
            return reply(response, response.numBytes());
        } catch (IOException e) {
            throw new AssertionError("dnsjava " + transport + " query " + ask + " to " + server + " failed: " + e, e);
        }
    }

    /**
     * Sends the dnsjava-built query for {@code ask} through a plain socket ({@link Wire}) with a 64 kB receive
     * buffer: for cases where SimpleResolver's own buffer (the advertised EDNS size) would cut the reply.
     */
    public static Reply askRaw(InetSocketAddress server, Transport transport, Ask ask) {
        byte[] reply = Wire.exchange(transport, server, query(ask).toWire());
        return reply(Wire.parse(reply), reply.length);
    }

    /** The {@link Reply} view of a dnsjava message of {@code size} bytes. */
    public static Reply reply(Message m, int size) {
        Set<String> flags = new LinkedHashSet<>();
        for (int bit : FLAG_BITS) {
            if (m.getHeader().getFlag(bit)) {
                flags.add(Flags.string(bit).toLowerCase());
            }
        }
        List<Rr> additional = new ArrayList<>();
        for (Record r : m.getSection(Section.ADDITIONAL)) {
            if (r.getType() != Type.OPT) {
                additional.add(rr(r));
            }
        }
        OPTRecord opt = m.getOPT();
        Edns edns = null;
        if (opt != null) {
            edns = new Edns(opt.getVersion(), opt.getPayloadSize(), (opt.getFlags() & 0x8000) != 0 ? "do" : "");
        }
        List<Rr> question = new ArrayList<>();
        for (Record r : m.getSection(Section.QUESTION)) {
            question.add(new Rr(r.getName().toString(), 0, DClass.string(r.getDClass()), Type.string(r.getType()),
                    ""));
        }
        return new Reply(Rcode.string(m.getRcode()), flags, question, records(m, Section.ANSWER),
                records(m, Section.AUTHORITY), additional, edns, size,
                "dnsjava reply (" + size + " bytes):\n" + m);
    }

    private static List<Rr> records(Message m, int section) {
        List<Rr> out = new ArrayList<>();
        for (Record r : m.getSection(section)) {
            out.add(rr(r));
        }
        return out;
    }

    private static Rr rr(Record r) {
        String type = Type.string(r.getType());
        String data = r.rdataToString();
        if (r.getType() == Type.AAAA) {
            data = Ipv6.canonical(data);
        }
        return new Rr(r.getName().toString(), r.getTTL(), DClass.string(r.getDClass()), type, data);
    }
}
