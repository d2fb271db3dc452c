package geodns.server.zone;

import geodns.server.config.ConfigError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/** The rules a zone must follow before it is served (RFC 1034 §3.6.2, §4.2.1; RFC 2181 §10.1). */
final class ZoneChecks {
    private ZoneChecks() {}

    /** Returns the checked zone, or null after adding its errors. */
    static ZoneContent check(Name origin, String file, List<PlacedRecord> records, List<ConfigError> errors) {
        int errorsBefore = errors.size();
        List<PlacedRecord> kept = new ArrayList<>();
        Set<org.xbill.DNS.Record> seen = new java.util.HashSet<>();
        SOARecord soa = null;
        Map<Name, Set<Integer>> typesByName = new HashMap<>();
        Map<Name, PlacedRecord> cnames = new HashMap<>();
        for (PlacedRecord placed : records) {
            org.xbill.DNS.Record r = placed.record();
            Name name = r.getName();
            if (!name.subdomain(origin)) {
                errors.add(placed.error(name + " is outside zone " + origin));
                continue;
            }
            if (r.getDClass() != DClass.IN) {
                errors.add(placed.error("class " + DClass.string(r.getDClass()) + " is not served; only IN"));
                continue;
            }
            if (!seen.add(r)) {
                continue;
            }
            if (r.getType() == Type.SOA) {
                if (!name.equals(origin)) {
                    errors.add(placed.error("SOA record for " + name + " is not at the zone apex " + origin));
                    continue;
                }
                if (soa != null) {
                    errors.add(placed.error("a second SOA record for " + origin));
                    continue;
                }
                soa = (SOARecord) r;
            }
            if (r.getType() == Type.CNAME && cnames.put(name, placed) != null) {
                errors.add(placed.error("a second CNAME for " + name));
                continue;
            }
            typesByName.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(r.getType());
            kept.add(placed);
        }
        cnames.forEach((name, placed) -> {
            if (typesByName.get(name).size() > 1) {
                errors.add(placed.error("CNAME " + name + " has other data beside it"));
            }
            if (name.equals(origin)) {
                errors.add(placed.error("CNAME at the zone apex " + origin));
            }
        });
        if (soa == null) {
            errors.add(new ConfigError(file, 1, "no SOA record at the zone apex " + origin
                    + " (a zone starts with one: '@ IN SOA primary-ns hostmaster serial refresh retry expire minimum')"));
        }
        if (!typesByName.getOrDefault(origin, Set.of()).contains(Type.NS)) {
            errors.add(new ConfigError(file, 1, "no NS records at the zone apex " + origin));
        }
        return errors.size() == errorsBefore ? new ZoneContent(origin, file, soa, List.copyOf(kept)) : null;
    }
}
