package geodns.server.zone;

import geodns.geoip.GeoDatabase;
import geodns.server.route.Routing;
import geodns.server.answer.Snapshot;
import geodns.server.config.ConfigError;
import geodns.server.config.HeapBudget;
import geodns.server.config.Inputs;
import geodns.server.health.HealthView;
import geodns.server.health.ProbeTarget;
import geodns.server.metrics.Metrics;
import geodns.server.transfer.TransferConfig;
import geodns.server.transfer.TransferConfigReader;
import geodns.server.transfer.TransferContent;
import geodns.server.transfer.Transfers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * The zones folder in two steps: {@link #read} parses and checks the files (slow, may fail), {@link #compile}
 * turns what was read into a snapshot for one health view (fast, cannot fail), so a health change recompiles
 * without touching the files.
 */
public final class Zones {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("geodns");

    private Zones() {}

    /** What the files say, checked: zones, geo config, and where each geo name lives. */
    public static final class Sources {
        private final List<ZoneContent> zones;
        private final GeoConfig geo;
        private final Map<ZoneContent, List<GeoConfig.GeoName>> geoByZone;
        private final Transfers transfers;
        private final List<ConfigError> warnings;

        private Sources(List<ZoneContent> zones, GeoConfig geo, Map<ZoneContent, List<GeoConfig.GeoName>> geoByZone,
                        Transfers transfers, List<ConfigError> warnings) {
            this.zones = zones;
            this.geo = geo;
            this.geoByZone = geoByZone;
            this.transfers = transfers;
            this.warnings = warnings;
        }

        /**
         * What is valid but likely a mistake, as {@code file:line: reason}: printed by {@code check}, logged at
         * load, never a reason to refuse a load.
         *
         * @param database the GeoIP database the names will be routed with: subdivisions need one that has them
         */
        public List<ConfigError> warnings(GeoDatabase database) {
            List<ConfigError> all = new ArrayList<>(warnings);
            if (database != null && !database.placesSubdivisions()) {
                geo.names().stream().filter(n -> n.subdivisionsLine() > 0).forEach(n -> all.add(new ConfigError(
                        geo.file(), n.subdivisionsLine(), "the subdivisions of " + n.name() + " never match: the"
                        + " GeoIP database (" + database.description() + ") has no subdivisions; give a City"
                        + " database with --geoip")));
            }
            return List.copyOf(all);
        }

        /** The zones offered for transfer, encoded once per read: health changes do not touch them. */
        public Transfers transfers() {
            return transfers;
        }

        public List<ProbeTarget> probes() {
            return geo.probes();
        }

        /** Whether and with whom this instance pools its probe verdicts (health: share:). */
        public geodns.server.health.ShareConfig share() {
            return geo.share();
        }

        /** Each zone's serial and content digest (what a secondary would receive), computed when asked. */
        public List<ZoneVersion> versions() {
            return zones.stream().map(z -> ZoneVersion.of(z, transfers.zone(z.origin()) == null ? List.of()
                    : geoByZone.getOrDefault(z, List.of()).stream()
                            .flatMap(name -> DefaultAnswers.of(name, geo).stream()).toList())).toList();
        }

        /** The cluster's locations and nodes, for the status page. */
        public List<Site> sites() {
            return geo.locations().stream().map(l -> new Site(l.name(), l.latitude(), l.longitude(),
                    l.nodes().stream().map(n -> new Site.Node(n.name(),
                            n.ipv4() == null ? null : AddressText.of(n.ipv4()),
                            n.ipv6() == null ? null : AddressText.of(n.ipv6()))).toList())).toList();
        }
    }

    /** A location of the cluster as the status page shows it. */
    public record Site(String name, double latitude, double longitude, List<Node> nodes) {
        public record Node(String name, String ipv4, String ipv6) {}
    }

    /** Sources when {@code errors} is empty; otherwise nothing to serve. {@code inputs}: what to watch next. */
    public record Read(Sources sources, List<ConfigError> errors, Inputs inputs) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /**
     * The most records the zones folder may hold, all files together, unless --max-records says otherwise. Each
     * record costs about half a kilobyte of heap once compiled, and twice that while a reload builds the next
     * snapshot beside the one serving; the limit turns a runaway file or $GENERATE into an error, not an OOM.
     */
    public static final int DEFAULT_MAX_RECORDS = 50_000;

    public static Read read(Path dir) {
        return read(dir, DEFAULT_MAX_RECORDS);
    }

    /** @param maxRecords the most records all zone files together may hold; more is an error */
    public static Read read(Path dir, int maxRecords) {
        return read(dir, maxRecords, HeapBudget.forThisHeap());
    }

    /**
     * @param heap what reading may take; the files' sizes, records and YAML nodes are counted against it, and
     *             it goes on to {@link #compile} the sources read
     */
    public static Read read(Path dir, int maxRecords, HeapBudget heap) {
        try {
            return readWithin(dir, maxRecords, heap);
        } catch (HeapBudget.Exceeded e) {
            return new Read(null, List.of(e.error()), Inputs.everything(dir));
        }
    }

    private static Read readWithin(Path dir, int maxRecords, HeapBudget heap) {
        List<ConfigError> errors = new ArrayList<>();
        List<ZoneContent> zones = new ArrayList<>(ZoneLoader.load(dir, maxRecords, heap, errors));
        boolean zonesRead = errors.isEmpty() && !zones.isEmpty();
        GeoConfig geo = GeoConfigReader.read(dir, heap, errors);
        TransferConfig transfer = TransferConfigReader.read(dir, errors);
        if (zones.isEmpty() && errors.isEmpty()) {
            errors.add(new ConfigError(dir.toString(), 0, "no *" + ZoneLoader.SUFFIX + " files"));
        }
        // Geo names are placed only in zones that loaded; a broken zone must not also blame geo.yaml. Names that
        // were read from a geo.yaml with mistakes elsewhere are placed, so all of its mistakes are reported at once.
        Map<ZoneContent, List<GeoConfig.GeoName>> geoByZone = geo == null || !zonesRead ? Map.of()
                : geo.placeNames(zones, errors);
        if (transfer != null && errors.isEmpty()) {
            checkTransferZones(transfer, zones, errors);
        }
        if (!errors.isEmpty()) {
            return new Read(null, List.copyOf(errors), Inputs.everything(dir));
        }
        // Parents first, so a child zone we also serve replaces the parent's delegation to it.
        zones.sort(Comparator.comparingInt(z -> z.origin().labels()));
        Transfers transfers = TransferContent.build(transfer,
                DefaultAnswers.offered(transfer, zones, geo, geoByZone));
        List<ConfigError> warnings = new ArrayList<>(geo.warnings());
        warnings.addAll(NameServerChecks.warnings(zones, geo, geoByZone));
        return new Read(new Sources(List.copyOf(zones), geo, geoByZone, transfers, List.copyOf(warnings)), List.of(),
                Inputs.of(dir, namedFiles(zones, transfer, geo), Zones::readByName));
    }

    /** The folder's own files a load reads (present or not, so a new zone is seen): zone files and the configs. */
    private static boolean readByName(String name) {
        return !name.startsWith(".") && (name.endsWith(ZoneLoader.SUFFIX) || name.equals(GeoConfigReader.FILE_NAME)
                || name.equals(TransferConfigReader.FILE_NAME));
    }

    /** The files beyond the folder's own that a load read: included zone files, TSIG and peer secret files. */
    private static List<Path> namedFiles(List<ZoneContent> zones, TransferConfig transfer, GeoConfig geo) {
        List<Path> files = new ArrayList<>(transfer.secretFiles());
        if (geo != null && geo.share().secretFile() != null) {
            files.add(geo.share().secretFile());
        }
        zones.forEach(z -> z.records().stream().map(PlacedRecord::file).distinct().forEach(f -> files.add(Path.of(f))));
        return files;
    }

    private static void checkTransferZones(TransferConfig transfer, List<ZoneContent> zones, List<ConfigError> errors) {
        transfer.zones().keySet().stream().sorted().forEach(name -> {
            if (zones.stream().noneMatch(z -> z.origin().equals(name))) {
                errors.add(new ConfigError(transfer.file(), transfer.lines().get(name), "zone " + name
                        + " is not served here (no " + name.toString(true) + ZoneLoader.SUFFIX + " file)"));
            }
        });
    }

    /**
     * The routing for these sources and DB. Its decision cache holds as long as both do, so health changes,
     * which recompile the snapshot, keep it.
     *
     * @param database places clients for geo names; null gives every client the configured default order
     */
    public static Routing routing(Sources sources, GeoDatabase database, Metrics metrics) {
        return new Routing(database, sources.geo == null ? List.of() : sources.geo.rankers(), metrics);
    }

    /** @param health which nodes answers may carry */
    public static Snapshot compile(Sources sources, Routing routing, HealthView health, Metrics metrics) {
        return compile(sources, routing, health, metrics, HeapBudget.unlimited());
    }

    /**
     * As above, counting every answer encoded against {@code heap} (the budget the sources were read with).
     *
     * @throws HeapBudget.Exceeded naming the zone file whose answers went past it
     */
    public static Snapshot compile(Sources sources, Routing routing, HealthView health, Metrics metrics,
                                   HeapBudget heap) {
        Snapshot.Builder builder = new Snapshot.Builder();
        List<Snapshot.LoadedZone> loaded = new ArrayList<>();
        List<GeoConfig.GeoName> names = sources.geo.names();
        for (ZoneContent zone : sources.zones) {
            Map<Name, GeoNameRecords> targets = new java.util.HashMap<>();
            for (GeoConfig.GeoName spec : sources.geoByZone.getOrDefault(zone, List.of())) {
                GeoNameRecords target = GeoNameRecords.of(names.indexOf(spec), spec, sources.geo, health);
                if (target.failOpen()) {
                    List<String> nodes = sources.geo.nodes(spec).stream().map(GeoConfig.Node::name).toList();
                    LOG.warn("fail-open: no node of {} is up (all {} down: {}); answering with every node as if "
                            + "it were up, nearest location first, until one comes back", spec.name().toString(true),
                            nodes.size(), String.join(", ", nodes));
                }
                targets.put(spec.name(), target);
            }
            ZoneCompiler.compile(zone, targets, builder, metrics, heap);
            loaded.add(new Snapshot.LoadedZone(zone.origin().toString(true), zone.soa().getSerial(),
                    zone.records().size(), zone.file()));
        }
        loaded.sort(Comparator.comparing(Snapshot.LoadedZone::name));
        return builder.build(loaded, routing, sources.transfers);
    }

    /** As above, counting into metrics of its own. */
    static Snapshot compile(Sources sources, GeoDatabase database, HealthView health) {
        Metrics metrics = new Metrics();
        return compile(sources, routing(sources, database, metrics), health, metrics);
    }

    /** Reads and compiles with every node up and every client unplaced, as {@code check} and tests do. */
    public static Loaded load(Path dir) {
        return load(dir, DEFAULT_MAX_RECORDS);
    }

    public static Loaded load(Path dir, int maxRecords) {
        HeapBudget heap = HeapBudget.forThisHeap();
        Read read = read(dir, maxRecords, heap);
        if (!read.ok()) {
            return new Loaded(null, read.errors());
        }
        Metrics metrics = new Metrics();
        try {
            return new Loaded(compile(read.sources(), routing(read.sources(), null, metrics), HealthView.allUp(),
                    metrics, heap), List.of());
        } catch (HeapBudget.Exceeded e) {
            return new Loaded(null, List.of(e.error()));
        }
    }

    /** A snapshot when {@code errors} is empty. */
    public record Loaded(Snapshot snapshot, List<ConfigError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }
}
