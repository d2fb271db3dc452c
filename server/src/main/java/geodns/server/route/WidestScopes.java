package geodns.server.route;

import geodns.geoip.GeoDatabase;
import geodns.geoip.GeoPlace;
import geodns.geoip.SameClassBlocks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;

/**
 * The widest ECS scope for each geo name: the shortest prefix over which every client gets the same answer, so a
 * resolver caches one answer for a whole region instead of one per GeoIP network. gdnsd does the same: its
 * network lists merge neighbouring networks with the same result before it answers with their mask as scope.
 * A client's answer is its ranked order of the geo name's locations, so networks whose places rank alike are
 * merged, and so are the addresses the database does not place (the unknown order), wherever they rank the same.
 *
 * <p>RFC 7871 §6: the scope is the number of leading bits of the client's address the response covers; §7.2.1: it
 * may be longer than the source prefix (the source was not specific enough to choose the answer) and, where the
 * answer holds for a wider network, shorter; §7.3.1: resolvers cache the answer for the scope's network. So a scope
 * is never wider than where every address gets this answer, and never finer than the client group (/24, /56) the
 * answer is decided for.
 *
 * <p>Built once per {@link Routing} (a load or a new DB: one walk of each family's search tree, for every geo name
 * at once), never per query, on a thread of its own; read on a decision cache miss only.
 */
final class WidestScopes {
    /** Builds tables one at a time, on a thread of its own (a daemon: it never holds the process up). */
    static final java.util.concurrent.Executor BUILDER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "geodns-ecs-scopes");
        t.setDaemon(true);
        return t;
    });

    /** No table: every scope is the GeoIP network's, capped at the client group (as before). */
    static final WidestScopes NONE = new WidestScopes(List.of(), List.of(), List.of(), null);

    private final List<SameClassBlocks> ipv4;     // by geo name; empty when the DB has no IPv4 data
    private final List<SameClassBlocks> ipv6;
    private final List<Map<String, Integer>> classes;   // by geo name: an order's class in the blocks
    private final String summary;

    private WidestScopes(List<SameClassBlocks> ipv4, List<SameClassBlocks> ipv6, List<Map<String, Integer>> classes,
                         String summary) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.classes = classes;
        this.summary = summary;
    }

    /** What was built, and in what time, or why nothing was (for the log); null when nothing was to build. */
    String summary() {
        return summary;
    }

    /**
     * @param order a geo name's location order for a place (null: unplaced)
     * @return the table; one without blocks when the tree cannot be walked (scopes are then as narrow as before)
     */
    static WidestScopes build(GeoDatabase database, int geoNames, BiFunction<Integer, GeoPlace, int[]> order) {
        if (database == null || geoNames == 0) {
            return NONE;
        }
        long started = System.nanoTime();
        List<Map<String, Integer>> classes = new ArrayList<>();
        List<ToIntFunction<GeoPlace>> classifiers = new ArrayList<>();
        for (int g = 0; g < geoNames; g++) {
            Map<String, Integer> ids = new HashMap<>();
            int geoName = g;
            classes.add(ids);
            classifiers.add(place -> ids.computeIfAbsent(key(order.apply(geoName, place)), k -> ids.size()));
        }
        try {
            List<SameClassBlocks> v4 = database.sameClassBlocks(true, ClientGroup.IPV4_PREFIX, classifiers);
            List<SameClassBlocks> v6 = database.sameClassBlocks(false, ClientGroup.IPV6_PREFIX, classifiers);
            String summary = "ECS scopes: " + v4.stream().mapToInt(SameClassBlocks::size).sum() + " IPv4 and "
                    + v6.stream().mapToInt(SameClassBlocks::size).sum() + " IPv6 merged blocks of equal answers for "
                    + geoNames + " geo name(s), in " + (System.nanoTime() - started) / 1_000_000 + " ms";
            return new WidestScopes(v4, v6, classes.stream().map(Map::copyOf).toList(), summary);
        } catch (IOException e) {
            return new WidestScopes(List.of(), List.of(), List.of(),
                    "ECS scopes stay the GeoIP networks' (capped at /24 and /56): " + e.getMessage());
        }
    }

    /**
     * The scope for a client group's answer.
     *
     * @param address  the group's address (bits past the group cleared), as GeoIP was asked
     * @param order    the order the group was ranked into
     * @param fallback the GeoIP network's prefix capped at the group: the scope where the blocks say nothing
     *                 more (no table, no merged block, or a lookup that placed the group otherwise than the walk
     *                 did, as a fault or a file written over in place can)
     */
    int scope(int geoName, int family, byte[] address, int[] order, int fallback) {
        List<SameClassBlocks> tables = family == 1 ? ipv4 : ipv6;
        if (tables.isEmpty()) {
            return fallback;
        }
        SameClassBlocks blocks = tables.get(geoName);
        int block = blocks.block(address);
        if (block < 0) {
            return fallback;   // in no merged block: its own network is as wide as its answer goes
        }
        Integer expected = classes.get(geoName).get(key(order));
        if (expected == null || blocks.classOf(block) != expected) {
            return fallback;
        }
        return Math.min(blocks.prefix(block), fallback);
    }

    private static String key(int[] order) {
        return Arrays.toString(order);
    }
}
