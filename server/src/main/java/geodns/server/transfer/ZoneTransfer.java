package geodns.server.transfer;

import geodns.server.wire.Sections;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;

/**
 * One zone ready to transfer: its rules, and its content encoded once per load as the sections of the messages
 * of an AXFR reply (SOA first and last, RFC 5936 §2.2), plus the lone SOA an up-to-date IXFR gets.
 */
public record ZoneTransfer(Name origin, SOARecord soa, Rules rules, List<Sections> messages, Sections soaOnly,
                           int records) {
    public long serial() {
        return soa.getSerial();
    }
}
