package geodns.server.zone;

import geodns.server.health.AdminState;
import geodns.server.health.HealthView;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What a geo name may answer with under one health view and admin state: for each of its locations (in the order
 * the geo config lists them), the address records of its nodes that are answered, with their weights, ready to
 * encode. {@code index} is the geo name's place in the config, which routing ranks locations for. {@code up} says,
 * per location, whether any of its answered nodes has a weight above 0: with {@code failOpen} the records carry
 * down nodes too. {@code weights} is, per location, the sum of its answered nodes' weights (what it takes of
 * spilled clients). {@code maxAnswers} is what the location's {@link geodns.server.route.NodeSelection} is made
 * with; {@code spill} what the geo name says; {@code why}: whether {@code _why.NAME} is answered; {@code admin},
 * per location, which admin states (drain, force) applied to it and its nodes, for /explain.
 */
record GeoNameRecords(int index, Name name, List<String> locations, List<List<Weighted>> a,
                      List<List<Weighted>> aaaa, int maxAnswers, boolean failOpen, List<Boolean> up,
                      List<Integer> weights, int spill, boolean why, List<List<String>> admin) {

    /** An address record of a node, and the node's weight. */
    record Weighted(Record record, int weight) {}

    /** With no admin state. */
    static GeoNameRecords of(int index, GeoConfig.GeoName spec, GeoConfig config, HealthView health) {
        return of(index, spec, config, health, AdminState.none());
    }

    /**
     * Only nodes that are answered: up, or forced up, and neither drained nor forced down; when none of the
     * name's nodes of weight above 0 is, all of those the operator did not take out (all of them when every one
     * was: fail open, an answer that may work beats SERVFAIL for the whole world). Each location's records carry
     * the long TTL, or the short one while a node whose health decides (no admin state) is in a failing or rising
     * streak.
     */
    static GeoNameRecords of(int index, GeoConfig.GeoName spec, GeoConfig config, HealthView health,
                             AdminState admin) {
        BiPredicate<GeoConfig.Location, GeoConfig.Node> answered =
                (l, n) -> admin.answered(n.name(), l.name(), health);
        List<GeoConfig.Location> spanned = spec.locations().stream().map(config::location).toList();
        boolean failOpen = spanned.stream().noneMatch(l -> l.nodes().stream()
                .anyMatch(n -> n.weight() > 0 && answered.test(l, n)));
        boolean allTakenOut = spanned.stream().allMatch(l -> l.nodes().stream()
                .allMatch(n -> admin.of(n.name(), l.name()) != null));
        BiPredicate<GeoConfig.Location, GeoConfig.Node> carried = !failOpen ? answered
                : allTakenOut ? (l, n) -> true : (l, n) -> admin.of(n.name(), l.name()) == null;
        List<List<Weighted>> a = new ArrayList<>();
        List<List<Weighted>> aaaa = new ArrayList<>();
        List<Boolean> up = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        List<List<String>> notes = new ArrayList<>();
        for (GeoConfig.Location location : spanned) {
            int weight = location.nodes().stream().filter(n -> answered.test(location, n))
                    .mapToInt(GeoConfig.Node::weight).sum();
            up.add(weight > 0);
            weights.add(weight);
            boolean changing = location.nodes().stream().anyMatch(n -> admin.of(n.name(), location.name()) == null
                    && health.isChanging(n.name()));
            long ttl = changing ? spec.shortTtl() : spec.ttl();
            List<Weighted> v4 = new ArrayList<>();
            List<Weighted> v6 = new ArrayList<>();
            for (GeoConfig.Node node : location.nodes()) {
                if (!carried.test(location, node)) {
                    continue;
                }
                if (node.ipv4() != null) {
                    v4.add(new Weighted(new ARecord(spec.name(), DClass.IN, ttl, node.ipv4()), node.weight()));
                }
                if (node.ipv6() != null) {
                    v6.add(new Weighted(new AAAARecord(spec.name(), DClass.IN, ttl, node.ipv6()), node.weight()));
                }
            }
            a.add(List.copyOf(v4));
            aaaa.add(List.copyOf(v6));
            notes.add(notes(location, admin));
        }
        return new GeoNameRecords(index, spec.name(), spec.locations(), List.copyOf(a), List.copyOf(aaaa),
                spec.maxAnswers(), failOpen, List.copyOf(up), List.copyOf(weights), spec.spill(), spec.why(),
                List.copyOf(notes));
    }

    /** "location singapore: drain (...)", "node lon-1: force-up (...)": what the operator set here. */
    private static List<String> notes(GeoConfig.Location location, AdminState admin) {
        List<String> notes = new ArrayList<>();
        AdminState.Entry whole = admin.locations().get(location.name());
        if (whole != null) {
            notes.add("location " + location.name() + ": " + whole.describe());
        }
        location.nodes().stream().filter(n -> admin.nodes().containsKey(n.name())).forEach(n -> notes.add(
                "node " + n.name() + ": " + admin.nodes().get(n.name()).describe()));
        return List.copyOf(notes);
    }
}
