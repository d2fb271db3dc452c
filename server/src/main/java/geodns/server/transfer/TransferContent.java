package geodns.server.transfer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * What a secondary receives for each zone offered for transfer, encoded once per load. The records come as plain
 * dnsjava records: which records a zone holds (its file's, and every geo name's default answer, so a secondary
 * that knows nothing of geography still answers every name) is the zone reader's to say.
 */
public final class TransferContent {
    private TransferContent() {}

    /** One zone's records for a secondary, its SOA apart (it goes first and last). */
    public record Zone(Name origin, SOARecord soa, List<Record> body) {}

    /** The zones {@code config} offers, encoded; zones it does not offer are left out. */
    public static Transfers build(TransferConfig config, List<Zone> zones) {
        Map<Name, ZoneTransfer> transfers = new HashMap<>();
        Map<Name, Zone> content = new HashMap<>();
        for (Zone zone : zones) {
            Rules rules = config.zones().get(zone.origin());
            if (rules != null) {
                transfers.put(zone.origin(), TransferEncoder.encode(zone.origin(), zone.soa(), zone.body(), rules));
                content.put(zone.origin(), zone);
            }
        }
        return new Transfers(transfers, config.keys(), content);
    }
}
