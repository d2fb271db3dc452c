package geodns.server.answer;

import geodns.server.metrics.Tally;
import geodns.server.route.NodeSelection;
import geodns.server.route.Routing;
import geodns.server.wire.Codes;
import geodns.server.wire.Sections;

/**
 * One geo name's possible answers, encoded at load time: for each of its locations, the {@link NodeSelection}
 * of its A and of its AAAA nodes. A client's ranked order of locations picks the location at query time, and the
 * location's selection the answer.
 */
public final class GeoAnswers {

    private final NodeSelection[] a;
    private final NodeSelection[] aaaa;
    private final Sections noAaaa;
    private final int geoName;
    private final Tally[] chosen;
    private final String[] locations;
    private final Tally failOpen;
    private final String name;
    private final boolean[] up;
    private final java.util.List<java.util.List<String>> admin;

    /**
     * @param geoName the geo name's index, which {@link Routing} ranks locations for
     * @param name    the geo name, as /status and /explain name it
     * @param up      per location index, whether any of its nodes is up (with fail-open, its answer has them all)
     * @param a       per location index, the selection of its A answer; null when it has none
     * @param aaaa    the same for AAAA
     * @param noAaaa  the answer when no location has IPv6 (NODATA)
     * @param locations the location names, by index
     * @param chosen  per location, the counter of answers it gave
     * @param failOpen counted on every answer when no node is up and all are answered; null otherwise
     * @param admin   per location index, the admin states (drain, force) that applied to it, for /explain
     */
    public GeoAnswers(int geoName, String name, String[] locations, boolean[] up, NodeSelection[] a,
                      NodeSelection[] aaaa, Sections noAaaa, Tally[] chosen, Tally failOpen,
                      java.util.List<java.util.List<String>> admin) {
        this.admin = java.util.List.copyOf(admin);
        this.name = name;
        this.up = up.clone();
        this.locations = locations.clone();
        this.geoName = geoName;
        this.chosen = chosen;
        this.failOpen = failOpen;
        this.a = a;
        this.aaaa = aaaa;
        this.noAaaa = noAaaa;
    }

    static boolean handles(int qtype) {
        return qtype == Codes.TYPE_A || qtype == Codes.TYPE_AAAA || qtype == Codes.TYPE_ANY;
    }

    int geoName() {
        return geoName;
    }

    String name() {
        return name;
    }

    /** True when no node of this name is up and every node is answered. */
    boolean failOpen() {
        return failOpen != null;
    }

    boolean up(int location) {
        return up[location];
    }

    java.util.List<String> admin(int location) {
        return admin.get(location);
    }

    int locationCount() {
        return locations.length;
    }

    String location(int index) {
        return locations[index];
    }

    int indexOf(String location) {
        return java.util.Arrays.asList(locations).indexOf(location);
    }

    /**
     * The location that answers a client with this ranked {@code order}: the first with addresses of the asked
     * family (A for ANY), or -1 when none has any. The answer path, /explain and the catchment map all ask here.
     */
    int pick(int qtype, int[] order) {
        NodeSelection[] family = qtype == Codes.TYPE_AAAA ? aaaa : a;
        for (int location : order) {
            if (family[location] != null) {
                return location;
            }
        }
        return -1;
    }

    /** For A, AAAA or ANY: the answer of the location {@link #pick} chooses. */
    Sections answer(int qtype, int[] order) {
        int location = pick(qtype, order);
        if (location < 0) {
            return noAaaa;
        }
        chosen[location].increment();
        if (failOpen != null) {
            failOpen.increment();
        }
        return (qtype == Codes.TYPE_AAAA ? aaaa : a)[location].pick();
    }
}
