package geodns.server.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What /explain and {@code geodns explain} show for one client and question: the geo decision behind the answer
 * (null for a name that is not a geo name) and the reply the real answering path gave. Written as JSON by
 * {@link #toJson()} and for people by {@link #text()}, with the same keys in the same order.
 *
 * @param reply null when the reply could not be read back, and {@code error} says why
 */
public record Explanation(String client, String question, Decision decision, Reply reply, String error) {

    /**
     * @param geoipRecord      where GeoIP places the client, or null when it has no record for it
     * @param failOpen         no node of the name is up, so every node is answered and the nearest location chosen
     * @param spilledOver      when the first location has no node up and the name spills: the locations its
     *                         clients are spread over, with their weights (the chosen one is this group's); else empty
     * @param adminStates      the admin states (drain, force) that applied to the ranked locations and their nodes
     */
    public record Decision(String clientGroup, int geoipNetworkPrefix, Place geoipRecord, String rule,
                           List<Ranked> rankedLocations, String chosen, boolean failOpen, List<Share> spilledOver,
                           List<String> adminStates) {
        static final String FAIL_OPEN_REASON = "no node of this name is up: every node is answered as if it were up "
                + "(fail-open), so the nearest location is chosen although its nodes are down";

        public Decision {
            rankedLocations = List.copyOf(rankedLocations);
            spilledOver = List.copyOf(spilledOver);
            adminStates = List.copyOf(adminStates);
        }

        Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("client_group", clientGroup);
            out.put("geoip_network_prefix", geoipNetworkPrefix);
            out.put("geoip_record", geoipRecord == null ? null : geoipRecord.toJson());
            out.put("rule", rule);
            out.put("ranked_locations", rankedLocations.stream().map(Ranked::toJson).toList());
            out.put("chosen", chosen);
            out.put("fail_open", failOpen);
            if (failOpen) {
                out.put("fail_open_reason", FAIL_OPEN_REASON);
            }
            if (!spilledOver.isEmpty()) {
                out.put("spilled_over", spilledOver.stream().map(Share::toJson).toList());
            }
            out.put("admin_states", adminStates);
            return out;
        }
    }

    /** A GeoIP record; the point's coordinates are null when neither the record nor its country has one. */
    public record Place(String country, String continent, String subdivision, Double latitude, Double longitude,
                        boolean pointFromCountry) {
        Map<String, Object> toJson() {
            return Json.object("country", country,
                    "continent", continent,
                    "subdivision", subdivision,
                    "latitude", latitude,
                    "longitude", longitude,
                    "point_from_country", pointFromCountry);
        }
    }

    /**
     * A location in the client's order; {@code skipped} when it was passed over for having no node up.
     * {@code bias} is its geoproximity bias in percent, {@code biasedKm} the distance ranking compared (the distance
     * times 1 - bias/100), {@code weight} the sum of its up nodes' weights (its share when clients spill).
     */
    public record Ranked(String location, double distanceKm, boolean nodesUp, boolean skipped, int bias,
                         double biasedKm, int weight) {
        Map<String, Object> toJson() {
            return Json.object("location", location,
                    "distance_km", distanceKm,
                    "nodes_up", nodesUp,
                    "skipped", skipped,
                    "bias", bias,
                    "biased_km", biasedKm,
                    "weight", weight);
        }
    }

    /** A location a down location's clients spill to, and its weight (the sum of its up nodes' weights). */
    public record Share(String location, int weight) {
        Map<String, Object> toJson() {
            return Json.object("location", location, "weight", weight);
        }
    }

    /**
     * @param answer   the answer section, one record a line in presentation format
     * @param ecsScope the scope prefix of the reply's ECS option, or null when it has none
     */
    public record Reply(String rcode, List<String> answer, Integer ecsScope) {
        public Reply {
            answer = List.copyOf(answer);
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("client", client);
        out.put("question", question);
        if (decision != null) {
            out.put("decision", decision.toJson());
        }
        if (reply != null) {
            out.put("rcode", reply.rcode());
            out.put("answer", reply.answer());
            out.put("ecs_scope", reply.ecsScope());
        } else {
            out.put("error", error);
        }
        return out;
    }

    /**
     * For people, one fact per line, keyed as in the JSON: the decision's facts indented under it, each list's
     * items on lines of their own (a ranked location as {@code [location, km, nodes up, skipped, bias,
     * biased km, weight]}).
     */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("client: ").append(client).append('\n');
        out.append("question: ").append(question).append('\n');
        if (decision != null) {
            out.append("decision:\n");
            Map<String, Object> facts = decision.toJson();
            // A nested record reads as Java prints a map ({country=AU, ...}), a ranked location as its values.
            List<Object> ranked = new ArrayList<>();
            decision.rankedLocations().forEach(r -> ranked.add(r.toJson().values()));
            facts.put("ranked_locations", ranked);
            facts.forEach((key, value) -> out.append("  ").append(key).append(": ").append(line(value)).append('\n'));
        }
        if (reply != null) {
            out.append("rcode: ").append(reply.rcode()).append('\n');
            out.append("answer: ").append(line(reply.answer())).append('\n');
            out.append("ecs_scope: ").append(reply.ecsScope()).append('\n');
        } else {
            out.append("error: ").append(error).append('\n');
        }
        return out.toString();
    }

    private static String line(Object value) {
        if (value instanceof List<?> list) {
            StringBuilder s = new StringBuilder();
            list.forEach(item -> s.append("\n    ").append(item));
            return s.toString();
        }
        return String.valueOf(value);
    }
}
