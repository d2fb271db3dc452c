package geodns.server.admin;

import geodns.server.answer.Catchment;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything /status and /status.json show, as plain data: made by the top from what it serves, read by
 * {@link StatusPage} field by field and written as JSON by {@link #toJson()}, whose keys are the documented ones.
 *
 * @param geoip           the database placing clients ("none: why" when one was dropped as damaged), or null
 * @param geoipOk         false while no database places clients
 * @param lastLoad        the outcome of the last load, or null before the first
 * @param failOpenNames   geo names with no node up, answered with every node (fail-open)
 * @param sharing         shared health (who sees what), null while sharing is off
 */
public record Status(String geoip, boolean geoipOk, String geoipAttribution, Load lastLoad, List<Zone> zones,
                     List<String> failOpenNames, List<Catchment> catchments, List<Location> locations,
                     Sharing sharing) {

    public Status(String geoip, boolean geoipOk, String geoipAttribution, Load lastLoad, List<Zone> zones,
                  List<String> failOpenNames, List<Catchment> catchments, List<Location> locations) {
        this(geoip, geoipOk, geoipAttribution, lastLoad, zones, failOpenNames, catchments, locations, null);
    }

    public Status {
        zones = List.copyOf(zones);
        failOpenNames = List.copyOf(failOpenNames);
        catchments = List.copyOf(catchments);
        locations = List.copyOf(locations);
    }

    public boolean failOpen() {
        return !failOpenNames.isEmpty();
    }

    /** A load: when, whether it is serving, its errors, and the warnings of the config serving. */
    public record Load(Instant at, boolean ok, List<String> errors, List<String> warnings) {
        public Load {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }

        Map<String, Object> toJson() {
            return Json.object("at", at.toString(),
                    "ok", ok,
                    "errors", errors,
                    "warnings", warnings);
        }
    }

    /** A zone served, and whether its file changed without a new serial (secondaries would not notice). */
    public record Zone(String name, long serial, int records, String file, boolean serialStale) {
        Map<String, Object> toJson() {
            return Json.object("name", name,
                    "serial", serial,
                    "records", records,
                    "file", file,
                    "serial_stale", serialStale);
        }
    }

    /** A location of geo.yaml; {@code up} when any of its nodes is. */
    public record Location(String name, double latitude, double longitude, boolean up, List<Node> nodes) {
        public Location {
            nodes = List.copyOf(nodes);
        }

        Map<String, Object> toJson() {
            return Json.object("name", name,
                    "latitude", latitude,
                    "longitude", longitude,
                    "up", up,
                    "nodes", nodes.stream().map(Node::toJson).toList());
        }
    }

    /** A node and whether answers carry it; {@code probe} is null for a node nothing probes. */
    public record Node(String name, String ipv4, String ipv6, boolean up, Probe probe) {
        Map<String, Object> toJson() {
            return Json.object("name", name,
                    "ipv4", ipv4,
                    "ipv6", ipv6,
                    "up", up,
                    "probed", probe != null,
                    "last_result", probe == null ? null : probe.lastResult(),
                    "last_latency_ms", probe == null ? null : probe.lastLatencyMillis(),
                    "last_probe", probe == null || probe.lastProbe() == null ? null : probe.lastProbe().toString(),
                    "seconds_in_state", probe == null ? null : probe.secondsInState());
        }
    }

    /**
     * @param lastLatencyMillis NaN before a probe has answered
     * @param lastProbe         null before the first probe
     */
    public record Probe(String lastResult, double lastLatencyMillis, Instant lastProbe, long secondsInState) {}

    /**
     * Shared health as a matrix: rows are the instances (this one first), columns the nodes, and the merged verdict.
     *
     * @param ownViewOnly  too few fresh views to decide together (partitioned): answers follow this instance alone
     * @param windowSeconds a view older than this does not count
     */
    public record Sharing(String self, int instances, int quorum, boolean ownViewOnly, double windowSeconds,
                          List<String> nodes, List<Observer> observers, Map<String, Boolean> merged) {
        public Sharing {
            nodes = List.copyOf(nodes);
            observers = List.copyOf(observers);
            merged = Map.copyOf(merged);
        }

        /** For {@code geodns explain --server}: each node's merged verdict and who said what. */
        String text() {
            StringBuilder out = new StringBuilder("shared_health: ").append(instances).append(" instances, ")
                    .append(quorum).append(" fresh views needed").append(ownViewOnly ? ", own view only (partitioned)"
                            : "").append('\n');
            for (String node : nodes) {
                out.append("  ").append(node).append(": ").append(Boolean.TRUE.equals(merged.get(node)) ? "up" : "down")
                        .append(" (");
                out.append(String.join(", ", observers.stream().filter(o -> o.nodes().containsKey(node))
                        .map(o -> o.name() + " " + (o.nodes().get(node) ? "up" : "down") + (o.fresh() ? "" : " stale"))
                        .toList()));
                out.append(")\n");
            }
            return out.toString();
        }

        Map<String, Object> toJson() {
            Map<String, Object> mergedJson = new java.util.LinkedHashMap<>();
            nodes.forEach(n -> mergedJson.put(n, merged.get(n)));
            return Json.object("self", self,
                    "instances", instances,
                    "quorum", quorum,
                    "own_view_only", ownViewOnly,
                    "fresh_window_seconds", windowSeconds,
                    "merged", mergedJson,
                    "observers", observers.stream().map(Observer::toJson).toList());
        }
    }

    /**
     * One instance's view as this one holds it.
     *
     * @param url        where it is fetched; null for this instance
     * @param ageSeconds since its view last passed every check; null if none did
     * @param result     the last fetch's outcome (ok, forged, stale, failed: timeout, ...)
     * @param nodes      node -> up as that view says
     */
    public record Observer(String name, String url, Double ageSeconds, boolean fresh, String result,
                           Map<String, Boolean> nodes) {
        public Observer {
            nodes = Map.copyOf(nodes);
        }

        Map<String, Object> toJson() {
            return Json.object("name", name,
                    "url", url,
                    "age_seconds", ageSeconds,
                    "fresh", fresh,
                    "last_fetch", result,
                    "nodes", new java.util.TreeMap<>(nodes));
        }
    }

    /** The /status.json object. */
    Map<String, Object> toJson() {
        return Json.object("geoip", geoip,
                "geoip_ok", geoipOk,
                "geoip_attribution", geoipAttribution,
                "last_load", lastLoad == null ? null : lastLoad.toJson(),
                "zones", zones.stream().map(Zone::toJson).toList(),
                "fail_open", failOpen(),
                "fail_open_names", failOpenNames,
                "catchments", catchments.stream().map(c -> Json.object("name", c.name(),
                        "fail_open", c.failOpen(),
                        "locations_up", c.locationsUp(),
                        "countries", c.byCountry())).toList(),
                "locations", locations.stream().map(Location::toJson).toList(),
                "sharing", sharing == null ? null : sharing.toJson());
    }
}
