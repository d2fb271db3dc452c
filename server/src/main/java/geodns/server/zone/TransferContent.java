package geodns.server.zone;

import geodns.server.transfer.Rules;
import geodns.server.transfer.TransferEncoder;
import geodns.server.transfer.Transfers;
import geodns.server.transfer.ZoneTransfer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What a secondary receives for each zone offered for transfer: the zone file's records, and for every geo name
 * its default answer, so a secondary that knows nothing of geography still answers every name.
 */
final class TransferContent {
    private TransferContent() {}

    static Transfers build(TransferConfig config, List<ZoneContent> zones, GeoConfig geo,
                           Map<ZoneContent, List<GeoConfig.GeoName>> geoByZone) {
        Map<Name, ZoneTransfer> transfers = new HashMap<>();
        for (ZoneContent zone : zones) {
            Rules rules = config.zones().get(zone.origin());
            if (rules == null) {
                continue;
            }
            List<Record> body = new ArrayList<>();
            for (PlacedRecord placed : zone.records()) {
                if (placed.record().getType() != Type.SOA) {
                    body.add(placed.record());
                }
            }
            for (GeoConfig.GeoName name : geoByZone.getOrDefault(zone, List.of())) {
                body.addAll(defaultAnswer(name, geo));
            }
            transfers.put(zone.origin(), TransferEncoder.encode(zone.origin(), zone.soa(), body, rules));
        }
        return new Transfers(transfers, config.keys());
    }

    /**
     * A geo name's answer for clients GeoIP cannot place, with every node counted as up: the nodes of the first
     * location of its {@code unknown:} order. Health does not enter, so a node going down does not change the
     * zone; a secondary answers from it only while the primary cannot, and then any node may be the one up.
     */
    static List<Record> defaultAnswer(GeoConfig.GeoName name, GeoConfig geo) {
        String first = name.unknownOrder().get(0);
        GeoConfig.Location location = geo.location(first);
        List<Record> records = new ArrayList<>();
        for (GeoConfig.Node node : location.nodes()) {
            if (node.ipv4() != null) {
                records.add(new ARecord(name.name(), DClass.IN, name.ttl(), node.ipv4()));
            }
        }
        for (GeoConfig.Node node : location.nodes()) {
            if (node.ipv6() != null) {
                records.add(new AAAARecord(name.name(), DClass.IN, name.ttl(), node.ipv6()));
            }
        }
        return records;
    }
}
