package geodns.geoip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders one geo name's locations for a client, following a {@link RankingPolicy}. Immutable and thread-safe;
 * build it when the config loads (which is where a bad policy is reported) and call {@link #rank} per client.
 */
public final class Ranker {

    private final List<Location> locations;          // as the geo name lists them
    private final List<Location> defaultOrder;       // complete: policy's default order, then the rest as listed
    private final Map<String, List<Location>> byContinent;
    private final Map<String, List<Location>> byCountry;
    private final Map<String, List<Location>> bySubdivision;

    /**
     * @throws IllegalArgumentException when there are no locations, two share a name, or the policy names a
     *     location that is not among them (the message names it)
     */
    public Ranker(List<Location> locations, RankingPolicy policy) {
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("a geo name needs at least one location");
        }
        this.locations = List.copyOf(locations);
        Map<String, Location> byName = new HashMap<>();
        for (Location l : this.locations) {
            if (byName.put(l.name(), l) != null) {
                throw new IllegalArgumentException("duplicate location name " + l.name());
            }
        }
        this.defaultOrder = complete(resolve(policy.defaultOrder(), byName, "default order"), this.locations);
        this.byContinent = resolveAll(policy.byContinent(), byName, "continent");
        this.byCountry = resolveAll(policy.byCountry(), byName, "country");
        this.bySubdivision = resolveAll(policy.bySubdivision(), byName, "subdivision");
    }

    public List<Location> locations() {
        return locations;
    }

    /** The locations for a client at {@code client} (null when the database does not place it), best first. */
    public Ranking rank(GeoPlace client) {
        GeoPoint point = client == null ? null : client.point();
        double[] distance = distances(point);

        String rule = null;
        List<Location> preferred = List.of();
        if (client != null) {
            if (client.subdivisionCode() != null && bySubdivision.containsKey(client.subdivisionCode())) {
                rule = "subdivision " + client.subdivisionCode();
                preferred = bySubdivision.get(client.subdivisionCode());
            } else if (client.countryCode() != null && byCountry.containsKey(client.countryCode())) {
                rule = "country " + client.countryCode();
                preferred = byCountry.get(client.countryCode());
            } else if (client.continentCode() != null && byContinent.containsKey(client.continentCode())) {
                rule = "continent " + client.continentCode();
                preferred = byContinent.get(client.continentCode());
            }
        }
        if (rule == null) {
            rule = point == null ? "default" : "nearest";
        }

        List<Location> rest = point == null ? defaultOrder : nearestFirst(distance);
        List<Location> order = complete(preferred, rest);
        List<Ranking.Ranked> ranked = new ArrayList<>(order.size());
        for (Location l : order) {
            ranked.add(new Ranking.Ranked(l, distance[locations.indexOf(l)]));
        }
        return new Ranking(rule, ranked);
    }

    private double[] distances(GeoPoint point) {
        double[] d = new double[locations.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = point == null ? Double.NaN : point.distanceKm(locations.get(i).point());
        }
        return d;
    }

    /**
     * Nearest first by biased distance ({@link Location#biased}); equal distances by name, so the answer never
     * depends on list order or hash order.
     */
    private List<Location> nearestFirst(double[] distance) {
        Integer[] index = new Integer[locations.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        double[] biased = new double[distance.length];
        for (int i = 0; i < biased.length; i++) {
            biased[i] = locations.get(i).biased(distance[i]);
        }
        Arrays.sort(index, (a, b) -> {
            int byDistance = Double.compare(biased[a], biased[b]);
            return byDistance != 0 ? byDistance : locations.get(a).name().compareTo(locations.get(b).name());
        });
        List<Location> out = new ArrayList<>(index.length);
        for (int i : index) {
            out.add(locations.get(i));
        }
        return out;
    }

    /** {@code first}, then every location of {@code rest} not already in it. */
    private static List<Location> complete(List<Location> first, List<Location> rest) {
        Set<Location> out = new LinkedHashSet<>(first);
        out.addAll(rest);
        return List.copyOf(out);
    }

    private static Map<String, List<Location>> resolveAll(Map<String, List<String>> lists,
                                                          Map<String, Location> byName, String kind) {
        Map<String, List<Location>> out = new HashMap<>();
        lists.forEach((key, names) -> out.put(key, resolve(names, byName, kind + " " + key)));
        return Map.copyOf(out);
    }

    private static List<Location> resolve(List<String> names, Map<String, Location> byName, String where) {
        List<Location> out = new ArrayList<>(names.size());
        for (String name : names) {
            Location l = byName.get(name);
            if (l == null) {
                throw new IllegalArgumentException(where + ": unknown location " + name);
            }
            out.add(l);
        }
        return List.copyOf(out);
    }
}
