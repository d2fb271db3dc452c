package geodns.server.admin;

import geodns.geoip.GeoPlace;
import geodns.geoip.Ranking;
import geodns.server.answer.Answerer;
import geodns.server.route.ClientGroup;
import geodns.server.route.RouteExplanation;
import geodns.server.answer.Snapshot;
import geodns.server.wire.Codes;
import geodns.server.wire.Network;
import geodns.server.wire.Query;
import geodns.server.wire.QueryParser;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The decision for a client, shown from the inside: the query a resolver would send for it (with the client's
 * subnet, /24 or /56) goes through the real answering path, and the geo decision behind it is laid out.
 */
public final class Explainer {
    private final AtomicReference<Snapshot> snapshot;
    private final Answerer answerer;

    public Explainer(AtomicReference<Snapshot> snapshot, Answerer answerer) {
        this.snapshot = snapshot;
        this.answerer = answerer;
    }

    /** An IP address literal; never a host name, which would make explaining resolve names. */
    public static InetAddress address(String text) {
        InetAddress address = Network.literal(text);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        return address;
    }

    /** @throws IllegalArgumentException for a bad name or type, with a message for the user */
    public Explanation explain(InetAddress client, String name, String type) {
        int qtype = Type.value(type.toUpperCase());
        if (qtype < 0) {
            throw new IllegalArgumentException("unknown type '" + type + "'");
        }
        if (qtype == Type.AXFR || qtype == Type.IXFR) {
            throw new IllegalArgumentException("explain shows answers to queries, not zone transfers: try dig "
                    + name + " " + Type.string(qtype));
        }
        Name qname;
        try {
            qname = Name.fromString(name, Name.root);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException("'" + name + "' is not a domain name: " + e.getMessage());
        }
        Snapshot served = snapshot.get();  // one snapshot for the check and the decision, across a reload
        if (served.geoipChangedInPlace()) {
            // Reading it would give a made-up place, or a fault the JVM may raise after any handler has returned.
            throw new IllegalStateException("the GeoIP database was written over in place: not read until the"
                    + " reload (within 2 s) serves its new content or drops it");
        }
        byte[] packet = query(client, qname, qtype);
        Query q = new Query();
        byte[] out = new byte[Codes.MAX_MESSAGE];
        int length = answerer.answer(packet, packet.length, true, client, q, out);
        QueryParser.parse(packet, packet.length, q);
        q.source(client);
        RouteExplanation decision = served.explain(q);
        String asked = client.getHostAddress();
        String question = qname + " " + Type.string(qtype);
        Explanation.Decision why = decision == null ? null : decision(decision);
        try {
            return new Explanation(asked, question, why, reply(java.util.Arrays.copyOf(out, length)), null);
        } catch (IOException e) {
            return new Explanation(asked, question, why, null, "unreadable reply: " + e.getMessage());
        }
    }

    private static byte[] query(InetAddress client, Name name, int qtype) {
        Message m = Message.newQuery(Record.newRecord(name, qtype, DClass.IN));
        int prefix = ClientGroup.prefix(client instanceof Inet4Address ? 1 : 2);
        m.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(prefix, org.xbill.DNS.Address.truncate(client, prefix)))),
                Section.ADDITIONAL);
        return m.toWire();
    }

    private static Explanation.Decision decision(RouteExplanation d) {
        GeoPlace place = d.lookup().place();
        Explanation.Place found = place == null ? null : new Explanation.Place(place.countryCode(),
                place.continentCode(), place.subdivisionCode(),
                place.point() == null ? null : place.point().latitude(),
                place.point() == null ? null : place.point().longitude(), place.pointFromCountry());
        List<Explanation.Ranked> ranked = new ArrayList<>();
        for (Ranking.Ranked r : d.ranking().locations()) {
            String location = r.location().name();
            ranked.add(new Explanation.Ranked(location, r.distanceKm(), !d.down().contains(location),
                    d.skipped().contains(location), r.location().bias(), r.biasedKm(),
                    d.weights().getOrDefault(location, 0)));
        }
        return new Explanation.Decision(d.clientGroup(), d.lookup().prefixLength(), found, d.ranking().rule(),
                ranked, d.chosen(), d.failOpen(), d.spilledOver().stream()
                        .map(s -> new Explanation.Share(s.location(), s.weight())).toList(), d.admin());
    }

    private static Explanation.Reply reply(byte[] bytes) throws IOException {
        Message reply = new Message(bytes);
        List<String> answer = new ArrayList<>();
        reply.getSection(Section.ANSWER).forEach(r -> answer.add(r.toString()));
        OPTRecord opt = reply.getOPT();
        List<EDNSOption> subnet = opt == null ? List.of() : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET);
        return new Explanation.Reply(org.xbill.DNS.Rcode.string(reply.getRcode()), answer,
                subnet.isEmpty() ? null : ((ClientSubnetOption) subnet.get(0)).getScopePrefixLength());
    }
}
