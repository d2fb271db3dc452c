package geodns.server.answer;

import geodns.geoip.GeoPlace;
import geodns.geoip.Ranking;
import geodns.server.route.RouteExplanation;
import geodns.server.wire.Codes;
import geodns.server.wire.Header;
import geodns.server.wire.Query;
import geodns.server.wire.Sections;
import geodns.server.wire.SectionsEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.TXTRecord;

/**
 * The "why" query (abh/geodns's {@code _country} is the model): a TXT query for {@code _why.NAME}, where NAME
 * answers by geography, gets what this instance saw for the asking client, so a user can debug through their own
 * resolver where the admin port is out of reach: the client group and the address or subnet it came from, the
 * GeoIP place, the ranked locations with distances, the health applied, the answer and the ECS scope.
 *
 * <p>Made for each such name when a snapshot is built, and found only where the normal lookup has missed (the name
 * does not exist in the zone), so a normal query never looks for it. Its answer is computed per query from the
 * same decision {@code /explain} shows ({@link Snapshot#explain}): it is a debug query, never cached (TTL 0), and
 * rate limited like any answer.
 */
public final class WhyQuery {
    /** The reserved label: an underscore label (RFC 8552) no host name can have. */
    public static final String LABEL = "_why";
    private static final byte[] WIRE_LABEL = {4, '_', 'w', 'h', 'y'};
    private static final int MAX_STRING = 255;

    private final Name name;
    private final GeoAnswers geo;
    private final List<List<String>> a;
    private final List<List<String>> aaaa;
    private final Sections nodata;

    /**
     * @param name   the why name, {@link #under} the geo name (or the CNAME that leads to it)
     * @param a      per location index, the addresses its A answer holds (empty when none)
     * @param aaaa   the same for AAAA
     * @param nodata the answer to any type but TXT and ANY: the name exists, with no data of that type
     */
    public WhyQuery(Name name, GeoAnswers geo, List<List<String>> a, List<List<String>> aaaa, Sections nodata) {
        this.name = name;
        this.geo = geo;
        this.a = List.copyOf(a);
        this.aaaa = List.copyOf(aaaa);
        this.nodata = nodata;
    }

    /** {@code _why.owner}, or null when that name would be too long. */
    public static Name under(Name owner) {
        try {
            return Name.concatenate(Name.fromConstantString(LABEL), owner);
        } catch (NameTooLongException e) {
            return null;
        }
    }

    /** Whether the query name's first label is {@link #LABEL} (the parser lower-cased it). */
    static boolean asked(Query q) {
        return q.labelCount() > 1 && Arrays.equals(q.name(), 0, WIRE_LABEL.length, WIRE_LABEL, 0, WIRE_LABEL.length);
    }

    GeoAnswers geo() {
        return geo;
    }

    /** TXT for TXT and ANY (RFC 8482: the one RRset it has); NODATA for every other type. */
    Sections answer(Query q, RouteExplanation decision, int aaaaPick) {
        if (q.qtype() != org.xbill.DNS.Type.TXT && q.qtype() != Codes.TYPE_ANY) {
            return nodata;
        }
        TXTRecord txt = new TXTRecord(name, DClass.IN, 0, strings(q, decision, aaaaPick));
        return SectionsEncoder.forName(name).encode(List.of(txt), List.of(), List.of(), Header.AA);
    }

    /** Each string a fact, keyed, at most 255 bytes: a list too long for one goes on in the next. */
    List<String> strings(Query q, RouteExplanation d, int aaaaPick) {
        List<String> out = new ArrayList<>();
        String subnet = q.clientSubnetText();
        out.add("client=" + d.clientGroup() + (subnet != null ? " ecs=" + subnet
                : " source=" + addressText(q.sourceFamily(), q.sourceAddress())));
        out.add(place(d.lookup().place()) + " network=/" + d.lookup().prefixLength());
        out.add("rule=" + d.ranking().rule());
        List<String> ranked = new ArrayList<>();
        for (Ranking.Ranked r : d.ranking().locations()) {
            String location = r.location().name();
            ranked.add(location + ":" + (Double.isNaN(r.distanceKm()) ? "?" : Math.round(r.distanceKm())) + "km"
                    + (d.down().contains(location) ? ":down" : ""));
        }
        pack(out, "ranked", ranked);
        if (d.failOpen()) {
            out.add("health=fail-open (no node up: every node is answered, nearest location first)");
        } else {
            pack(out, "down", d.down().isEmpty() ? List.of("none") : d.down());
        }
        addresses(out, "a", d.chosen() == null ? -1 : geo.indexOf(d.chosen()), a);
        addresses(out, "aaaa", aaaaPick, aaaa);
        out.add("scope=/" + d.scopePrefix());
        return out;
    }

    private static String place(GeoPlace place) {
        if (place == null) {
            return "geoip=none";
        }
        StringBuilder s = new StringBuilder("geoip=").append(place.countryCode() == null ? "?" : place.countryCode());
        s.append(" continent=").append(place.continentCode() == null ? "?" : place.continentCode());
        if (place.subdivisionCode() != null) {
            s.append(" subdivision=").append(place.subdivisionCode());
        }
        if (place.point() != null) {
            s.append(String.format(Locale.ROOT, " point=%.2f,%.2f", place.point().latitude(),
                    place.point().longitude()));
            if (place.pointFromCountry()) {
                s.append("(country)");
            }
        }
        return s.toString();
    }

    /** The location a family's answer comes from, and its addresses. */
    private void addresses(List<String> out, String family, int location, List<List<String>> byLocation) {
        if (location < 0 || byLocation.get(location).isEmpty()) {
            out.add(family + "=none");
            return;
        }
        List<String> items = new ArrayList<>(byLocation.get(location).size() + 1);
        items.add(geo.location(location));
        items.addAll(byLocation.get(location));
        pack(out, family, items);
    }

    /** {@code key=item item ...}, in strings of at most 255 bytes; each string after the first says {@code key+=}. */
    private static void pack(List<String> out, String key, List<String> items) {
        StringBuilder s = new StringBuilder(key).append('=');
        boolean empty = true;
        for (String item : items) {
            if (!empty && s.length() + 1 + item.length() > MAX_STRING) {
                out.add(s.toString());
                s = new StringBuilder(key).append("+=");
                empty = true;
            }
            if (!empty) {
                s.append(' ');
            }
            s.append(item, 0, Math.min(item.length(), MAX_STRING - s.length()));
            empty = false;
        }
        out.add(s.toString());
    }

    private static String addressText(int family, byte[] address) {
        try {
            return java.net.InetAddress.getByAddress(Arrays.copyOf(address, family == 1 ? 4 : 16)).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "?";
        }
    }
}
