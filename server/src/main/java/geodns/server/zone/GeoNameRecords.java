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
 * lists them), the address records of its nodes that are up, ready to encode. {@code index} is the geo name's
 * place in the config, which routing ranks locations for. {@code up} says, per location, whether any of its nodes
 * is up: with {@code failOpen} the records carry down nodes too. {@code maxAnswers} is what the location's
 * {@link geodns.server.route.NodeSelection} is made with. {@code why}: whether {@code _why.NAME} is answered.
 */
record GeoNameRecords(int index, Name name, List<String> locations, List<List<Record>> a, List<List<Record>> aaaa,
                      int maxAnswers, boolean failOpen, List<Boolean> up, boolean why) {

    /**
     * Only nodes that are up; when none of the name's nodes is, all of them (fail open: an answer that may
     * work beats SERVFAIL for the whole world).
     */
    static GeoNameRecords of(int index, GeoConfig.GeoName spec, GeoConfig config, HealthView health) {
        boolean failOpen = config.nodes(spec).stream().map(GeoConfig.Node::name).noneMatch(health::isUp);
        HealthView view = failOpen ? HealthView.allUp() : health;
        List<List<Record>> a = new ArrayList<>();
        List<List<Record>> aaaa = new ArrayList<>();
        List<Boolean> up = new ArrayList<>();
        for (String locationName : spec.locations()) {
            GeoConfig.Location location = config.location(locationName);
            up.add(location.nodes().stream().anyMatch(n -> health.isUp(n.name())));
            List<Record> v4 = new ArrayList<>();
            List<Record> v6 = new ArrayList<>();
            for (GeoConfig.Node node : location.nodes()) {
                if (!view.isUp(node.name())) {
                    continue;
                }
                if (node.ipv4() != null) {
                    v4.add(new ARecord(spec.name(), DClass.IN, spec.ttl(), node.ipv4()));
                }
                if (node.ipv6() != null) {
                    v6.add(new AAAARecord(spec.name(), DClass.IN, spec.ttl(), node.ipv6()));
                }
            }
            a.add(List.copyOf(v4));
            aaaa.add(List.copyOf(v6));
        }
        return new GeoNameRecords(index, spec.name(), spec.locations(), List.copyOf(a), List.copyOf(aaaa),
                spec.maxAnswers(), failOpen, List.copyOf(up), spec.why());
    }
}
