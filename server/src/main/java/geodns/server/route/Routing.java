package geodns.server.route;

import geodns.geoip.GeoDatabase;
import geodns.geoip.GeoLookup;
import geodns.geoip.GeoPlace;
import geodns.geoip.Ranker;
import geodns.server.metrics.Metrics;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Routing by GeoIP: the client's network is looked up once, every geo name's ranking for it is cached, and the
 * cache belongs to this object, which belongs to one snapshot, so a new DB or config never serves old decisions.
 *
 * <p>Clients are decided for by {@link ClientGroup}, /24 or /56. The ECS scope is the widest prefix around the
 * group over which every address gets the same answer ({@link WidestScopes}, made when this object is), capped at
 * that group, and may be longer than the client's source prefix (RFC 7871 §7.2.1). A /16 block whose every geo
 * name's scope is /16 or wider is decided once ({@link Ipv4Blocks}) rather than once per /24 group.
 */
public final class Routing {
    /** 262,144 groups in 2 MiB; also up to 32,767 distinct decisions. */
    private static final int CACHE_SETS = 1 << 15;
    private static final int CACHE_WAYS = 8;

    private final GeoDatabase database;
    private final Metrics metrics;
    private final List<Ranker> rankers;
    private final Route[] unplaced;
    private final DecisionNumbers numbers = new DecisionNumbers(CACHE_SETS);
    private final DecisionCache decisions = new DecisionCache(CACHE_SETS, CACHE_WAYS, numbers);
    private final Ipv4Blocks blocks = new Ipv4Blocks(numbers);
    /** Narrow (the networks') until the walk of the DB is done, off the start-up path, then the widest. */
    private volatile WidestScopes scopes = WidestScopes.NONE;
    private final CompletableFuture<String> scopesBuilt;

    /**
     * @param database where clients are; null ranks every client as unknown (the configured default order)
     * @param rankers  one per geo name, by the geo name's index
     */
    public Routing(GeoDatabase database, List<Ranker> rankers, Metrics metrics) {
        this.metrics = metrics;
        this.database = database;
        this.rankers = List.copyOf(rankers);
        this.unplaced = routes(null, 0);
        // The walk takes 0.5-2 s for the embedded DB, so serving starts without it (RFC 7871 allows any scope
        // at least as narrow as where the answer holds); decided groups are decided again once it is in.
        this.scopesBuilt = database == null || this.rankers.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(this::widenScopes, WidestScopes.BUILDER);
    }

    private String widenScopes() {
        WidestScopes built = WidestScopes.build(database, rankers.size(), this::order);
        scopes = built;
        blocks.clear();
        decisions.clear();
        return built.summary();
    }

    /**
     * Completes once the widest scopes are in (answers before then carry the networks' scopes), with what was
     * built for the log, or null when there was nothing to build.
     */
    public CompletableFuture<String> widestScopes() {
        return scopesBuilt;
    }

    /** Waits until the widest scopes are in: for one-shot use and tests. */
    public void awaitWidestScopes() {
        scopesBuilt.join();
    }

    /**
     * @param geoName index of the geo name in the geo config
     * @param family  1 for IPv4, 2 for IPv6 (as in ECS)
     * @param address the client's address bytes (4 or 16 used)
     * @param prefix  how many leading bits of {@code address} are known
     */
    public Route route(int geoName, int family, byte[] address, int prefix) {
        if (database == null) {
            return unplaced[geoName];
        }
        int group = ClientGroup.capped(family, prefix);
        // A group shorter than a block spans blocks, which may lie in different networks.
        boolean inBlock = family == 1 && group >= Ipv4Blocks.PREFIX;
        Route[] routes = inBlock ? blocks.get(address) : null;
        if (routes != null) {
            metrics.geoipCache(true);
            return routes[geoName];
        }
        long key = ClientGroup.key(family, address, group);
        routes = decisions.get(key);
        metrics.geoipCache(routes != null);
        if (routes == null) {
            routes = decide(family, address, group, key, inBlock);
        }
        return routes[geoName];
    }

    /**
     * The cache miss: cold once warm, and big with the GeoIP decode and the ranking. The image's JVM flags keep it
     * out of line ({@code -XX:CompileCommand=dontinline}, by this name: see server/jvm.args), so that C2 does not
     * compile it into every caller at ~20 MB of compiler memory each.
     */
    private Route[] decide(int family, byte[] address, int group, long key, boolean inBlock) {
        InetAddress masked = ClientGroup.masked(family, address, group);
        GeoLookup found = database.lookup(masked);
        // The network's prefix (even when longer than the client's: RFC 7871 §7.2.1) unless a block of equal
        // answers around it is wider.
        int network = ClientGroup.capped(family, found.prefixLength());
        byte[] groupAddress = masked.getAddress();
        WidestScopes scopes = this.scopes;
        Route[] routes = new Route[rankers.size()];
        boolean wholeBlock = true;
        for (int i = 0; i < routes.length; i++) {
            int[] order = order(i, found.place());
            int scope = scopes.scope(i, family, groupAddress, order, network);
            routes[i] = new Route(order, scope);
            wholeBlock &= scope <= Ipv4Blocks.PREFIX;
        }
        if (inBlock && wholeBlock) {
            blocks.put(address, routes);
        } else {
            decisions.put(key, routes);
        }
        return routes;
    }

    /** What the explain page shows: the GeoIP lookup for the client's group and the full ranking. */
    public RouteExplanation explain(int geoName, int family, byte[] address, int prefix) {
        int group = ClientGroup.capped(family, prefix);
        InetAddress looked = ClientGroup.masked(family, address, group);
        GeoLookup found = database == null ? new GeoLookup(0, null) : database.lookup(looked);
        Ranker ranker = rankers.get(geoName);
        return new RouteExplanation(looked.getHostAddress() + "/" + group, found, ranker.rank(found.place()),
                route(geoName, family, address, prefix).scopePrefix());
    }

    /**
     * Whether the DB's file was written over in place since it was opened (a file stat: for the admin thread, not
     * for queries): its mapping then reads garbage, or faults past a cut-short end, until the reload drops it.
     */
    public boolean databaseChangedInPlace() {
        return database != null && database.changedInPlace();
    }

    private Route[] routes(GeoLookup found, int scope) {
        Route[] routes = new Route[rankers.size()];
        for (int i = 0; i < routes.length; i++) {
            routes[i] = new Route(order(i, found == null ? null : found.place()), scope);
        }
        return routes;
    }

    /** A geo name's location indexes, best first, for a client GeoIP places at {@code place} (null: unplaced). */
    private int[] order(int geoName, GeoPlace place) {
        Ranker ranker = rankers.get(geoName);
        return ranker.rank(place).locations().stream().mapToInt(r -> ranker.locations().indexOf(r.location()))
                .toArray();
    }

    /**
     * The order a client in {@code country} gets, placed as a country-only GeoIP record places it (at the
     * country's representative point), or as every client is placed when there is no database: for the
     * catchment map, off the answer path.
     */
    public int[] orderForCountry(int geoName, String country) {
        return order(geoName, database == null ? null : GeoPlace.ofCountry(country));
    }
}
