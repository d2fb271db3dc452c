package geodns.server.zone;

import geodns.server.health.HealthView;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What a geo name may answer with under one health view: for each of its locations (in the order the geo config
 * lists them), the address records of its nodes that are up, with their weights, ready to encode. {@code index}
 * is the geo name's place in the config, which routing ranks locations for. {@code up} says, per location, whether
 * any of its nodes of weight above 0 is up: with {@code failOpen} the records carry down nodes too. {@code weights}
 * is, per location, the sum of its up nodes' weights (what it takes of spilled clients). {@code maxAnswers} is what
 * the location's {@link geodns.server.route.NodeSelection} is made with; {@code spill} what the geo name says;
 * {@code why}: whether {@code _why.NAME} is answered.
 */
record GeoNameRecords(int index, Name name, List<String> locations, List<List<Weighted>> a,
                      List<List<Weighted>> aaaa, int maxAnswers, boolean failOpen, List<Boolean> up,
                      List<Integer> weights, int spill, boolean why) {

    /** An address record of a node, and the node's weight. */
    record Weighted(Record record, int weight) {}

    /**
     * Only nodes that are up; when none of the name's nodes (of weight above 0) is, all of them (fail open: an
     * answer that may work beats SERVFAIL for the whole world).
     */
    static GeoNameRecords of(int index, GeoConfig.GeoName spec, GeoConfig config, HealthView health) {
        boolean failOpen = config.nodes(spec).stream().filter(n -> n.weight() > 0).map(GeoConfig.Node::name)
                .noneMatch(health::isUp);
        HealthView view = failOpen ? HealthView.allUp() : health;
        List<List<Weighted>> a = new ArrayList<>();
        List<List<Weighted>> aaaa = new ArrayList<>();
        List<Boolean> up = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        for (String locationName : spec.locations()) {
            GeoConfig.Location location = config.location(locationName);
            int weight = location.nodes().stream().filter(n -> health.isUp(n.name()))
                    .mapToInt(GeoConfig.Node::weight).sum();
            up.add(weight > 0);
            weights.add(weight);
            List<Weighted> v4 = new ArrayList<>();
            List<Weighted> v6 = new ArrayList<>();
            for (GeoConfig.Node node : location.nodes()) {
                if (!view.isUp(node.name())) {
                    continue;
                }
                if (node.ipv4() != null) {
                    v4.add(new Weighted(new ARecord(spec.name(), DClass.IN, spec.ttl(), node.ipv4()), node.weight()));
                }
                if (node.ipv6() != null) {
                    v6.add(new Weighted(new AAAARecord(spec.name(), DClass.IN, spec.ttl(), node.ipv6()),
                            node.weight()));
                }
            }
            a.add(List.copyOf(v4));
            aaaa.add(List.copyOf(v6));
        }
        return new GeoNameRecords(index, spec.name(), spec.locations(), List.copyOf(a), List.copyOf(aaaa),
                spec.maxAnswers(), failOpen, List.copyOf(up), List.copyOf(weights), spec.spill(), spec.why());
    }
}
