package geodns.server.zone;

import geodns.server.transfer.TransferConfig;
import geodns.server.transfer.TransferContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A zone as a secondary receives it: the zone file's records, and for every geo name its default answer, so a
 * secondary that knows nothing of geography still answers every name.
 */
final class DefaultAnswers {
    private DefaultAnswers() {}

    /** The zones {@code config} offers for transfer, as records. */
    static List<TransferContent.Zone> offered(TransferConfig config, List<ZoneContent> zones, GeoConfig geo,
                                              Map<ZoneContent, List<GeoConfig.GeoName>> geoByZone) {
        List<TransferContent.Zone> offered = new ArrayList<>();
        for (ZoneContent zone : zones) {
            if (!config.zones().containsKey(zone.origin())) {
                continue;
            }
            List<Record> body = new ArrayList<>();
            for (PlacedRecord placed : zone.records()) {
                if (placed.record().getType() != Type.SOA) {
                    body.add(placed.record());
                }
            }
            for (GeoConfig.GeoName name : geoByZone.getOrDefault(zone, List.of())) {
                body.addAll(of(name, geo));
            }
            offered.add(new TransferContent.Zone(zone.origin(), zone.soa(), body));
        }
        return offered;
    }

    /**
     * A geo name's answer for clients GeoIP cannot place, with every node counted as up: the nodes of the first
     * location of its {@code unknown:} order (weight 0 left out, as in every answer). Health does not enter, so a
     * node going down does not change the zone; a secondary answers from it only while the primary cannot, and then any node may be the one up.
     */
    static List<Record> of(GeoConfig.GeoName name, GeoConfig geo) {
        String first = name.unknownOrder().get(0);
        GeoConfig.Location location = geo.location(first);
        List<Record> records = new ArrayList<>();
        for (GeoConfig.Node node : location.nodes()) {
            if (node.ipv4() != null && node.weight() > 0) {
                records.add(new ARecord(name.name(), DClass.IN, name.ttl(), node.ipv4()));
            }
        }
        for (GeoConfig.Node node : location.nodes()) {
            if (node.ipv6() != null && node.weight() > 0) {
                records.add(new AAAARecord(name.name(), DClass.IN, name.ttl(), node.ipv6()));
            }
        }
        return records;
    }
}
