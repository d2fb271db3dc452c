package geodns.server.zone;

import geodns.server.answer.WhyQuery;
import geodns.server.config.ConfigError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * A warning, not an error, where a zone holds the name of a geo name's why query ({@code _why.NAME}), or a wildcard
 * right under the geo name that would make it: the zone's data is answered there, not the why query. Valid DNS,
 * and perhaps meant, so it is said, not refused.
 */
final class WhyChecks {
    private WhyChecks() {}

    static List<ConfigError> warnings(Map<ZoneContent, List<GeoConfig.GeoName>> geoByZone) {
        List<ConfigError> warnings = new ArrayList<>();
        geoByZone.forEach((zone, names) -> names.stream().filter(GeoConfig.GeoName::why).forEach(spec -> {
            Name why = WhyQuery.under(spec.name());
            for (PlacedRecord placed : zone.records()) {
                Name owner = placed.record().getName();
                boolean wildcard = owner.isWild() && new Name(owner, 1).equals(spec.name());
                if (why != null && owner.subdomain(why) || wildcard) {
                    warnings.add(placed.error(owner + " is zone data, so " + why + " TXT answers it, not the why"
                            + " query of geo name " + spec.name() + " (rename it, or set " + GeoConfigReader.WHY
                            + ": off for the name in " + GeoConfigReader.FILE_NAME + ")"));
                    break;
                }
            }
        }));
        return warnings;
    }
}
