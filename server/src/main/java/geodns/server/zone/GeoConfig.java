package geodns.server.zone;

import geodns.server.config.ConfigError;
import geodns.server.health.ProbeTarget;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * The geo config ({@code geo.yaml} in the zones folder): where the cluster's locations are, and which names follow
 * the client.
 *
 * @param warnings what is valid but likely not meant (no geo names at all)
 */
record GeoConfig(String file, List<Location> locations, List<GeoName> names, List<ProbeTarget> probes,
                 List<ConfigError> warnings) {

    static GeoConfig none() {
        return new GeoConfig(null, List.of(), List.of(), List.of(), List.of());
    }

    record Location(String name, double latitude, double longitude, List<Node> nodes, int line) {}

    /** A server of the cluster; either address may be absent, not both. */
    record Node(String name, Inet4Address ipv4, Inet6Address ipv6, int line) {}

    /**
     * A name answered with the nearest location's nodes.
     *
     * @param locations    the locations this name may answer with
     * @param overrides    operator's orders by continent ("EU"), country ("DE") or subdivision ("US-CA")
     * @param unknownOrder order for clients GeoIP cannot place
     * @param maxAnswers   how many addresses an answer carries at most (rotated), 0 for all
     * @param subdivisionsLine where its {@code subdivisions:} are, 0 when it has none (a country-level GeoIP
     *                     database never matches them)
     */
    record GeoName(Name name, long ttl, List<String> locations, Overrides overrides, List<String> unknownOrder,
                   int maxAnswers, int line, int subdivisionsLine) {}

    record Overrides(Map<String, List<String>> continents, Map<String, List<String>> countries,
                     Map<String, List<String>> subdivisions) {
        static Overrides none() {
            return new Overrides(Map.of(), Map.of(), Map.of());
        }
    }
}
