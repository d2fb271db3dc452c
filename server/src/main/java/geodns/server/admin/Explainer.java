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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    public Map<String, Object> explain(InetAddress client, String name, String type) {
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
        if (snapshot.get().geoipChangedInPlace()) {
            // Reading it would give a made-up place, or a fault the JVM may raise after any handler has returned.
            throw new IllegalStateException("the GeoIP database was written over in place: not read until the"
                    + " reload (within 2 s) serves its new content or drops it");
        }
        byte[] packet = query(client, qname, qtype);
        Query q = new Query();
        byte[] out = new byte[Codes.MAX_MESSAGE];
        int length = answerer.answer(packet, packet.length, true, client, q, out);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("client", client.getHostAddress());
        result.put("question", qname + " " + Type.string(qtype));
        QueryParser.parse(packet, packet.length, q);
        q.source(client);
        RouteExplanation decision = snapshot.get().explain(q);
        if (decision != null) {
            result.put("decision", decision(decision));
        }
        reply(java.util.Arrays.copyOf(out, length), result);
        return result;
    }

    private static byte[] query(InetAddress client, Name name, int qtype) {
        Message m = Message.newQuery(Record.newRecord(name, qtype, DClass.IN));
        int prefix = ClientGroup.prefix(client instanceof Inet4Address ? 1 : 2);
        m.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(prefix, org.xbill.DNS.Address.truncate(client, prefix)))),
                Section.ADDITIONAL);
        return m.toWire();
    }

    private static Map<String, Object> decision(RouteExplanation d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("client_group", d.clientGroup());
        out.put("geoip_network_prefix", d.lookup().prefixLength());
        GeoPlace place = d.lookup().place();
        Map<String, Object> found = null;
        if (place != null) {
            found = new LinkedHashMap<>();
            found.put("country", place.countryCode());
            found.put("continent", place.continentCode());
            found.put("subdivision", place.subdivisionCode());
            found.put("latitude", place.point() == null ? null : place.point().latitude());
            found.put("longitude", place.point() == null ? null : place.point().longitude());
            found.put("point_from_country", place.pointFromCountry());
        }
        out.put("geoip_record", found);
        out.put("rule", d.ranking().rule());
        List<Object> ranked = new ArrayList<>();
        for (Ranking.Ranked r : d.ranking().locations()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("location", r.location().name());
            entry.put("distance_km", r.distanceKm());
            entry.put("nodes_up", !d.down().contains(r.location().name()));
            entry.put("skipped", d.skipped().contains(r.location().name()));
            ranked.add(entry);
        }
        out.put("ranked_locations", ranked);
        out.put("chosen", d.chosen());
        out.put("fail_open", d.failOpen());
        if (d.failOpen()) {
            out.put("fail_open_reason", "no node of this name is up: every node is answered as if it were up "
                    + "(fail-open), so the nearest location is chosen although its nodes are down");
        }
        return out;
    }

    private static void reply(byte[] bytes, Map<String, Object> result) {
        try {
            Message reply = new Message(bytes);
            result.put("rcode", org.xbill.DNS.Rcode.string(reply.getRcode()));
            List<String> answer = new ArrayList<>();
            reply.getSection(Section.ANSWER).forEach(r -> answer.add(r.toString()));
            result.put("answer", answer);
            OPTRecord opt = reply.getOPT();
            List<EDNSOption> subnet = opt == null ? List.of() : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET);
            result.put("ecs_scope", subnet.isEmpty() ? null : ((ClientSubnetOption) subnet.get(0)).getScopePrefixLength());
        } catch (IOException e) {
            result.put("error", "unreadable reply: " + e.getMessage());
        }
    }

    /** The same, for people: one fact per line. */
    public static String text(Map<String, Object> result) {
        StringBuilder out = new StringBuilder();
        result.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map) {
                out.append(key).append(":\n");
                map.forEach((k, v) -> out.append("  ").append(k).append(": ").append(line(v)).append('\n'));
            } else {
                out.append(key).append(": ").append(line(value)).append('\n');
            }
        });
        return out.toString();
    }

    private static String line(Object value) {
        if (value instanceof List<?> list) {
            StringBuilder s = new StringBuilder();
            for (Object item : list) {
                s.append("\n    ").append(item instanceof Map<?, ?> m ? m.values().toString() : item);
            }
            return s.toString();
        }
        return String.valueOf(value);
    }
}
