package geodns.server.answer;

import geodns.geoip.GeoPlace;
import geodns.server.route.ClientGroup;
import geodns.server.route.Route;
import geodns.server.route.RouteExplanation;
import geodns.server.route.Routing;
import geodns.server.transfer.Transfers;
import geodns.server.wire.Codes;
import geodns.server.wire.Query;
import geodns.server.wire.Sections;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.xbill.DNS.Name;

/** Everything the hot path reads, immutable once built. Reload builds a new one and swaps it in whole. */
public final class Snapshot {
    static final Sections REFUSED = Sections.empty(geodns.server.wire.Header.REFUSED);

    private final NameTable names;
    private final List<LoadedZone> zones;
    private final Routing routing;

    /** See {@link Routing#databaseChangedInPlace()}. */
    public boolean geoipChangedInPlace() {
        return routing != null && routing.databaseChangedInPlace();
    }
    private final Transfers transfers;
    /** One geo name's answers (any of its nodes': all agree on locations and health) by the name's index. */
    private final SortedMap<Integer, GeoAnswers> geoNames;
    /** Made on the first status request, never on the answer path; a snapshot is immutable, so is this. */
    private volatile List<Catchment> catchments;

    private Snapshot(NameTable names, List<LoadedZone> zones, Routing routing, Transfers transfers,
                     SortedMap<Integer, GeoAnswers> geoNames) {
        this.names = names;
        this.geoNames = geoNames;
        this.transfers = transfers;
        this.zones = List.copyOf(zones);
        this.routing = routing;
    }

    public List<LoadedZone> zones() {
        return zones;
    }

    /** The zones offered for transfer and the keys signed requests may use. */
    public Transfers transfers() {
        return transfers;
    }

    /**
     * Finds the closest enclosing name we hold; a name under none of our zones is refused. A query with the DO
     * bit gets the signed variant, where the zone has one.
     */
    Sections find(Query q) {
        Sections found = unsigned(q);
        return q.dnssecOk() ? found.forDnssec() : found;
    }

    private Sections unsigned(Query q) {
        byte[] name = q.name();
        int end = q.nameLength();
        for (int label = 0; label < q.labelCount(); label++) {
            NameNode node = names.get(name, q.labelStart(label), end);
            if (node != null) {
                return label == 0 ? exact(node, q) : below(node, label, q);
            }
        }
        return REFUSED;
    }

    /** A name below {@code node} that the zone does not have: the why query when it is one, else what the node says. */
    private Sections below(NameNode node, int label, Query q) {
        WhyQuery why = node.why();
        if (why != null && label == 1 && WhyQuery.asked(q)) {
            return why(why, q);
        }
        return node.below(q);
    }

    /** The decision for this client as /explain makes it, as A answers make it (AAAA: the first with IPv6). */
    private Sections why(WhyQuery why, Query q) {
        GeoAnswers geo = why.geo();
        RouteExplanation decision = explain(geo, q, Codes.TYPE_A);
        q.replyScope(decision.scopePrefix());
        return why.answer(q, decision, geo.pick(Codes.TYPE_AAAA, order(geo, decision)));
    }

    private Sections exact(NameNode node, Query q) {
        GeoAnswers geo = node.geo();
        if (geo == null || !GeoAnswers.handles(q.qtype())) {
            return node.answer(q.qtype());
        }
        Route route = routing.route(geo.geoName(), q.clientFamily(), q.clientAddress(), q.clientPrefix());
        q.replyScope(route.scopePrefix());
        return geo.answer(q.qtype(), route.order(), q);
    }

    /**
     * The decision behind the answer to {@code q} when its name is, or leads by CNAME to, a geo name: null for
     * static names. Locations are named in ranked order.
     */
    public RouteExplanation explain(Query q) {
        NameNode node = names.get(q.name(), 0, q.nameLength());
        GeoAnswers geo = node == null ? null : node.geo();
        if (geo == null || !GeoAnswers.handles(q.qtype())) {
            return null;
        }
        return explain(geo, q, q.qtype());
    }

    /** The decision for the client of {@code q} and a {@code qtype} that {@link GeoAnswers#handles}. */
    private RouteExplanation explain(GeoAnswers geo, Query q, int qtype) {
        RouteExplanation decision = routing.explain(geo.geoName(), q.clientFamily(), q.clientAddress(), q.clientPrefix());
        int[] order = order(geo, decision);
        int pick = geo.pick(qtype, order);
        List<Integer> spread = geo.spillCandidates(qtype, order);
        if (!spread.isEmpty()) {
            int family = q.clientFamily();
            pick = geo.spilled(qtype, order, ClientGroup.key(family, q.clientAddress(),
                    ClientGroup.capped(family, q.clientPrefix())), pick);
        }
        List<String> skipped = new ArrayList<>();
        List<String> down = new ArrayList<>();
        List<String> admin = new ArrayList<>();
        boolean passed = false;
        for (int location : order) {
            admin.addAll(geo.admin(location));
            passed |= location == pick;
            // Passed over for having no node up, or no address of the family (not a spill's other candidates).
            if (!passed && (!geo.up(location) || !geo.answers(qtype, location))) {
                skipped.add(geo.location(location));
            }
            if (!geo.up(location)) {
                down.add(geo.location(location));
            }
        }
        return decision.withChoice(skipped, pick < 0 ? null : geo.location(pick), down, geo.failOpen())
                .withShape(spread.stream().map(l -> new RouteExplanation.Share(geo.location(l), geo.weight(l)))
                        .toList(), weights(geo))
                .withAdmin(admin);
    }

    private static Map<String, Integer> weights(GeoAnswers geo) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < geo.locationCount(); i++) {
            out.put(geo.location(i), geo.weight(i));
        }
        return out;
    }

    private static int[] order(GeoAnswers geo, RouteExplanation decision) {
        return decision.ranking().locations().stream().mapToInt(r -> geo.indexOf(r.location().name())).toArray();
    }

    /** The geo names that answer every node because none of theirs is up, in the config's order. */
    public List<String> failOpen() {
        return geoNames.values().stream().filter(GeoAnswers::failOpen).map(GeoAnswers::name).toList();
    }

    /** For each geo name, in the config's order, the location each country's clients are answered with now. */
    public List<Catchment> catchments() {
        List<Catchment> made = catchments;
        if (made == null) {
            made = geoNames.values().stream().map(this::catchment).toList();
            catchments = made;
        }
        return made;
    }

    private Catchment catchment(GeoAnswers geo) {
        Map<String, Boolean> up = new LinkedHashMap<>();
        for (int i = 0; i < geo.locationCount(); i++) {
            up.put(geo.location(i), geo.up(i));
        }
        int[] all = IntStream.range(0, geo.locationCount()).toArray();
        int qtype = geo.pick(Codes.TYPE_A, all) >= 0 ? Codes.TYPE_A : Codes.TYPE_AAAA;
        Map<String, String> byCountry = new HashMap<>();
        Map<String, List<String>> spilled = new HashMap<>();
        for (String country : GeoPlace.countryCodes()) {
            int[] order = routing.orderForCountry(geo.geoName(), country);
            int pick = geo.pick(qtype, order);
            List<Integer> spread = geo.spillCandidates(qtype, order);
            if (!spread.isEmpty()) {
                pick = spread.get(0);
                spilled.put(country, spread.stream().map(geo::location).toList());
            }
            if (pick >= 0) {
                byCountry.put(country, geo.location(pick));
            }
        }
        return new Catchment(geo.name(), geo.failOpen(), up, byCountry, geo.spill() == null ? 0 : geo.spill().over(),
                spilled);
    }


    /** A loaded zone as reported by check and status. */
    public record LoadedZone(String name, long serial, int records, String file) {}

    /** Collects nodes by name; a later put for the same name wins (a child zone over its parent's cut). */
    public static final class Builder {
        private final Map<Name, NameNode> nodes = new HashMap<>();

        public Builder put(Name name, NameNode node) {
            nodes.put(name, node);
            return this;
        }

        /** Drops what an enclosing zone said at and below {@code apex}, before that zone's own names go in. */
        public Builder removeAtAndBelow(Name apex) {
            nodes.keySet().removeIf(name -> name.subdomain(apex));
            return this;
        }

        public Snapshot build(List<LoadedZone> zones, Routing routing) {
            return build(zones, routing, Transfers.none());
        }

        public Snapshot build(List<LoadedZone> zones, Routing routing, Transfers transfers) {
            Map<byte[], NameNode> entries = new HashMap<>();
            SortedMap<Integer, GeoAnswers> geoNames = new TreeMap<>();
            nodes.forEach((name, node) -> {
                entries.put(name.canonicalize().toWire(), node);
                if (node.geo() != null) {
                    geoNames.putIfAbsent(node.geo().geoName(), node.geo());
                }
                if (name.isWild()) {
                    NameNode parent = nodes.get(new Name(name, 1));
                    if (parent != null) {
                        parent.wildcard(node);
                    }
                }
            });
            return new Snapshot(new NameTable(entries), zones, routing, transfers, geoNames);
        }
    }
}
