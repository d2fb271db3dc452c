package geodns.server.dnssec;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * One zone's DNSSEC keys as read from the keys folder: every key it publishes in its DNSKEY set, and among them
 * those that sign. A key published but not signing is a rollover's next (pre-published) or previous key.
 */
public record ZoneKeys(Name zone, List<ZoneKey> keys) {
    public ZoneKeys {
        keys = List.copyOf(keys);
    }

    /** The keys whose private half was read: the zone's RRsets are signed with each of them. */
    public List<ZoneKey> signing() {
        return keys.stream().filter(ZoneKey::signs).toList();
    }
}
