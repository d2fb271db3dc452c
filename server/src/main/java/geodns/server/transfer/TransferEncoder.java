package geodns.server.transfer;

import geodns.server.wire.Header;
import geodns.server.wire.Sections;
import geodns.server.wire.SectionsEncoder;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/** Splits a zone's records into the messages of an AXFR reply. */
public final class TransferEncoder {
    /**
     * Records per message add up to at most this many bytes uncompressed: well under the 64 KiB a TCP message
     * may hold, leaving room for the question, OPT and TSIG, and small enough to pace the stream.
     */
    public static final int MESSAGE_BUDGET = 16 * 1024;

    private TransferEncoder() {}

    /** @param body every record of the zone except its SOA, in the order they should go out */
    public static ZoneTransfer encode(Name origin, SOARecord soa, List<Record> body, Rules rules) {
        return encode(origin, soa, body, rules, MESSAGE_BUDGET);
    }

    static ZoneTransfer encode(Name origin, SOARecord soa, List<Record> body, Rules rules, int budget) {
        List<Record> all = new ArrayList<>(body.size() + 2);
        all.add(soa);
        all.addAll(body);
        all.add(soa);
        List<Sections> messages = new ArrayList<>();
        List<Record> chunk = new ArrayList<>();
        int size = 0;
        for (Record r : all) {
            int length = r.toWire(Section.ANSWER).length;
            if (!chunk.isEmpty() && size + length > budget) {
                messages.add(message(origin, chunk));
                chunk.clear();
                size = 0;
            }
            chunk.add(r);
            size += length;
        }
        messages.add(message(origin, chunk));
        return new ZoneTransfer(origin, soa, rules, List.copyOf(messages), message(origin, List.of(soa)),
                body.size() + 1);
    }

    private static Sections message(Name origin, List<Record> records) {
        return SectionsEncoder.forName(origin).encode(List.copyOf(records), List.of(), List.of(), Header.AA);
    }
}
