package geodns.server.answer;

import geodns.server.transfer.Transfers;
import geodns.server.wire.Query;
import geodns.server.wire.Sections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/** Everything the hot path reads, immutable once built. Reload builds a new one and swaps it in whole. */
public final class Snapshot {
    static final Sections REFUSED = Sections.empty(geodns.server.wire.Header.REFUSED);

    private final NameTable names;
    private final List<LoadedZone> zones;
    private final GeoRouting routing;

    /** See {@link GeoRouting#databaseChangedInPlace()}. */
    public boolean geoipChangedInPlace() {
        return routing != null && routing.databaseChangedInPlace();
    }
    private final Transfers transfers;

    private Snapshot(NameTable names, List<LoadedZone> zones, GeoRouting routing, Transfers transfers) {
        this.names = names;
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

    /** Finds the closest enclosing name we hold; a name under none of our zones is refused. */
    Sections find(Query q) {
        byte[] name = q.name();
        int end = q.nameLength();
        for (int label = 0; label < q.labelCount(); label++) {
            NameNode node = names.get(name, q.labelStart(label), end);
            if (node != null) {
                return label == 0 ? exact(node, q) : node.below(q.qtype());
            }
        }
        return REFUSED;
    }

    private Sections exact(NameNode node, Query q) {
        GeoAnswers geo = node.geo();
        if (geo == null || !GeoAnswers.handles(q.qtype())) {
            return node.answer(q.qtype());
        }
        Route route = routing.route(geo.geoName(), q.clientFamily(), q.clientAddress(), q.clientPrefix());
        q.replyScope(route.scopePrefix());
        return geo.answer(q.qtype(), route.order());
    }

    /**
     * The decision behind the answer to {@code q} when its name is, or leads by CNAME to, a geo name: null for
     * static names. Locations are named in ranked order.
     */
    public GeoDecision explain(Query q) {
        NameNode node = names.get(q.name(), 0, q.nameLength());
        GeoAnswers geo = node == null ? null : node.geo();
        if (geo == null || !GeoAnswers.handles(q.qtype())) {
            return null;
        }
        GeoDecision decision = routing.explain(geo.geoName(), q.clientFamily(), q.clientAddress(), q.clientPrefix());
        List<String> skipped = new java.util.ArrayList<>();
        String chosen = null;
        for (var ranked : decision.ranking().locations()) {
            String location = ranked.location().name();
            if (geo.hasAddresses(q.qtype(), geo.indexOf(location))) {
                chosen = location;
                break;
            }
            skipped.add(location);
        }
        return decision.withChoice(skipped, chosen);
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

        public Snapshot build(List<LoadedZone> zones, GeoRouting routing) {
            return build(zones, routing, Transfers.none());
        }

        public Snapshot build(List<LoadedZone> zones, GeoRouting routing, Transfers transfers) {
            Map<byte[], NameNode> entries = new HashMap<>();
            nodes.forEach((name, node) -> {
                entries.put(name.canonicalize().toWire(), node);
                if (name.isWild()) {
                    NameNode parent = nodes.get(new Name(name, 1));
                    if (parent != null) {
                        parent.wildcard(node);
                    }
                }
            });
            return new Snapshot(new NameTable(entries), zones, routing, transfers);
        }
    }
}
