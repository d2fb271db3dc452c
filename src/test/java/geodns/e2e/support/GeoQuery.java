package geodns.e2e.support;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A query as a client somewhere in the world sends it: with an EDNS Client Subnet (RFC 7871) and/or from a chosen
 * source address, through dig ({@code +subnet}, {@code -b}) or dnsjava ({@link ClientSubnetOption},
 * {@link SimpleResolver#setLocalAddress}). The reply comes back with the ECS option it echoed, if any.
 */
public final class GeoQuery {
    private static final Pattern DIG_ECS = Pattern.compile("; CLIENT-SUBNET: (\\S+)/(\\d+)/(\\d+)");

    private final String name;
    private final String type;
    private String subnet;
    private InetAddress source;

    private GeoQuery(String name, String type) {
        this.name = name.endsWith(".") ? name : name + ".";
        this.type = type;
    }

    public static GeoQuery of(String name, String type) {
        return new GeoQuery(name, type);
    }

    /** Carry an ECS option for {@code cidr}, e.g. "127.1.1.0/24", "2001:db8:4::/48", "0.0.0.0/0". */
    public GeoQuery subnet(String cidr) {
        this.subnet = cidr;
        return this;
    }

    /** Send from {@code address} (any 127.x.y.z works on Linux). */
    public GeoQuery from(InetAddress address) {
        this.source = address;
        return this;
    }

    /** The ECS option of a reply: family 1 or 2, the address and source prefix as sent, the server's scope. */
    public record Ecs(int family, String address, int sourcePrefix, int scopePrefix) {
        @Override
        public String toString() {
            return address + "/" + sourcePrefix + "/" + scopePrefix;
        }
    }

    /** A reply and the ECS option it carried (null when none). */
    public record Result(Reply reply, Ecs ecs) {
        @Override
        public String toString() {
            return reply.toString();
        }
    }

    public Result ask(Via via, InetSocketAddress server) {
        return via.isDig() ? dig(server, via.transport) : dnsjava(server, via.transport);
    }

    public Result ask(Via via, GeodnsServer server) {
        return ask(via, server.dns());
    }

    private Result dig(InetSocketAddress server, Transport transport) {
        List<String> args = new ArrayList<>();
        args.add(transport.digOption());
        if (transport == Transport.UDP) {
            args.add("+ignore");
        }
        args.add("+norecurse");
        args.add("+edns=0");
        args.add("+noednsnegotiation");
        if (subnet != null) {
            args.add("+subnet=" + subnet);
        }
        if (source != null) {
            args.add("-b");
            args.add(source.getHostAddress());
        }
        args.addAll(List.of("-t", type, "-q", name));
        Reply reply = Dig.run(server, args.toArray(new String[0])).only();
        Matcher m = DIG_ECS.matcher(reply.transcript());
        Ecs ecs = null;
        if (m.find()) {
            int family = m.group(1).contains(":") ? 2 : 1;
            ecs = new Ecs(family, m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        }
        return new Result(reply, ecs);
    }

    private Result dnsjava(InetSocketAddress server, Transport transport) {
        Message query;
        try {
            query = Message.newQuery(Record.newRecord(Name.fromString(name), Type.value(type), DClass.IN));
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
        query.getHeader().unsetFlag(Flags.RD);
        List<EDNSOption> options = new ArrayList<>();
        if (subnet != null) {
            String[] parts = subnet.split("/");
            options.add(new ClientSubnetOption(Integer.parseInt(parts[1]), GeoWorld.address(parts[0])));
        }
        query.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        SimpleResolver resolver = Dnsjava.resolver(server, transport);
        if (source != null) {
            resolver.setLocalAddress(new InetSocketAddress(source, 0));
        }
        try {
            Message response = resolver.send(query);
            return new Result(Dnsjava.reply(response, response.numBytes()), ecs(response));
        } catch (IOException e) {
            throw new AssertionError("dnsjava " + transport + " query " + name + " " + type + " subnet " + subnet
                    + " from " + source + " to " + server + " failed: " + e, e);
        }
    }

    private static Ecs ecs(Message response) {
        OPTRecord opt = response.getOPT();
        if (opt == null) {
            return null;
        }
        for (EDNSOption option : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET)) {
            ClientSubnetOption cs = (ClientSubnetOption) option;
            String text = cs.getAddress().getHostAddress();
            if (cs.getAddress() instanceof Inet6Address) {
                text = Ipv6.canonical(text);
            }
            return new Ecs(cs.getFamily(), text, cs.getSourcePrefixLength(), cs.getScopePrefixLength());
        }
        return null;
    }

    /**
     * The hex of an ECS option's data built by hand (for {@link Ask#option}), so malformed ones can be sent:
     * family, source prefix, scope prefix, then the address bytes as given.
     */
    public static String ecsHex(int family, int sourcePrefix, int scopePrefix, int... addressBytes) {
        StringBuilder out = new StringBuilder(String.format("%04x%02x%02x", family, sourcePrefix, scopePrefix));
        for (int b : addressBytes) {
            out.append(String.format("%02x", b & 0xff));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return name + " " + type + (subnet != null ? " subnet " + subnet : "") + (source != null ? " from "
                + source.getHostAddress() : "");
    }
}
