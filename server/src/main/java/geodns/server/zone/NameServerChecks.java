package geodns.server.zone;

import geodns.server.config.ConfigError;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;

/**
 * Warnings, not errors, about the name servers a zone names inside itself: one without an address cannot be
 * reached (for a delegation: the glue is missing, and the referral leads nowhere), and one whose address is no
 * node of geo.yaml does not run this cluster's geodns. Both are valid DNS and both may be meant (a secondary of
 * our own, an address added later), so they are said, not refused. Name servers outside the zone are not ours
 * to check.
 */
final class NameServerChecks {
    private NameServerChecks() {}

    static List<ConfigError> warnings(List<ZoneContent> zones, GeoConfig geo,
                                    Map<ZoneContent, List<GeoConfig.GeoName>> geoByZone) {
        Set<InetAddress> nodeAddresses = new HashSet<>();
        geo.locations().forEach(l -> l.nodes().forEach(n -> {
            if (n.ipv4() != null) {
                nodeAddresses.add(n.ipv4());
            }
            if (n.ipv6() != null) {
                nodeAddresses.add(n.ipv6());
            }
        }));
        Set<Name> geoNames = new HashSet<>();
        geoByZone.values().forEach(names -> names.forEach(n -> geoNames.add(n.name())));
        Map<Name, List<InetAddress>> addressesByName = addresses(zones);
        List<ConfigError> warnings = new ArrayList<>();
        for (ZoneContent zone : zones) {
            for (PlacedRecord placed : zone.records()) {
                if (!(placed.record() instanceof NSRecord ns) || !ns.getTarget().subdomain(zone.origin())) {
                    continue;
                }
                Name target = ns.getTarget();
                boolean apex = ns.getName().equals(zone.origin());
                if (geoNames.contains(target)) {
                    continue;   // answered with the nodes of geo.yaml
                }
                List<InetAddress> addresses = addressesByName.getOrDefault(target, List.of());
                if (addresses.isEmpty()) {
                    warnings.add(placed.error(apex
                            ? "name server " + target + " has no address: add its A or AAAA records to the zone"
                            + " (resolvers cannot reach it)"
                            : "name server " + target + " of the delegation " + ns.getName() + " has no glue: add"
                            + " its A or AAAA records to the zone (resolvers cannot follow the referral)"));
                } else if (apex && !nodeAddresses.isEmpty()) {
                    List<String> strangers = addresses.stream().filter(a -> !nodeAddresses.contains(a))
                            .map(AddressText::of).toList();
                    if (!strangers.isEmpty()) {
                        warnings.add(placed.error("name server " + target + (strangers.size() == 1
                                ? " has the address " + strangers.get(0) + ", which is"
                                : " has the addresses " + String.join(", ", strangers) + ", which are")
                                + " no node of geo.yaml (does it run this geodns?)"));
                    }
                }
            }
        }
        return warnings;
    }

    /** The addresses the loaded zones give each name, glue included: one pass, however many NS records. */
    private static Map<Name, List<InetAddress>> addresses(List<ZoneContent> zones) {
        Map<Name, List<InetAddress>> found = new HashMap<>();
        for (ZoneContent zone : zones) {
            for (PlacedRecord placed : zone.records()) {
                org.xbill.DNS.Record r = placed.record();
                if (r instanceof ARecord a) {
                    found.computeIfAbsent(r.getName(), n -> new ArrayList<>()).add(a.getAddress());
                } else if (r instanceof AAAARecord aaaa) {
                    found.computeIfAbsent(r.getName(), n -> new ArrayList<>()).add(aaaa.getAddress());
                }
            }
        }
        return found;
    }
}
