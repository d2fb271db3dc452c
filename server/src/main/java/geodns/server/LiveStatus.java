package geodns.server;

import geodns.server.admin.Status;
import geodns.server.answer.Snapshot;
import geodns.server.health.HealthView;
import geodns.server.health.NodeHealth;
import geodns.server.health.SharedHealth;
import geodns.server.zone.Zones;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * /status's data, made on each request from what {@link Live} serves at that moment: its snapshot, its config's
 * locations with the prober's current view of their nodes, the GeoIP database and the last load's outcome.
 */
final class LiveStatus implements Supplier<Status> {
    private final Live live;

    LiveStatus(Live live) {
        this.live = live;
    }

    @Override
    public Status get() {
        Live.Geoip geoip = live.geoip();
        Snapshot served = live.snapshot().get();
        Set<String> stale = live.staleZones();
        List<Status.Zone> zones = served == null ? List.of() : served.zones().stream()
                .map(z -> new Status.Zone(z.name(), z.serial(), z.records(), z.file(), stale.contains(z.name())))
                .toList();
        return new Status(geoip.problem() != null ? "none: " + geoip.problem() : geoip.description(),
                geoip.problem() == null, geoip.attribution(), live.lastLoad(), zones,
                served == null ? List.of() : served.failOpen(),
                served == null ? List.of() : served.catchments(), locations(live.sites(), live.health()),
                sharing(live.sharing(), live.sites()));
    }

    /** Shared health as /status shows it: ages against now, the nodes in geo.yaml's order. */
    static Status.Sharing sharing(SharedHealth.Sharing s, List<Zones.Site> sites) {
        if (s == null) {
            return null;
        }
        Instant now = Instant.now();
        List<String> nodes = sites.stream().flatMap(site -> site.nodes().stream()).map(Zones.Site.Node::name)
                .filter(s.merged()::containsKey).toList();
        List<Status.Observer> observers = s.observers().stream().map(o -> new Status.Observer(o.name(), o.url(),
                o.url() == null ? Double.valueOf(0) : o.fetched() == null ? null
                        : Double.valueOf(Duration.between(o.fetched(), now).toMillis() / 1000.0),
                o.fresh(), o.result(), o.nodes())).toList();
        return new Status.Sharing(s.self(), s.instances(), s.quorum(), s.partitioned(),
                s.window().toMillis() / 1000.0, nodes, observers, s.merged());
    }

    private static List<Status.Location> locations(List<Zones.Site> sites, HealthView view) {
        Instant now = Instant.now();
        List<Status.Location> locations = new ArrayList<>();
        for (Zones.Site site : sites) {
            List<Status.Node> nodes = new ArrayList<>();
            boolean anyUp = false;
            for (Zones.Site.Node node : site.nodes()) {
                NodeHealth h = view.nodes().get(node.name());
                boolean up = view.isUp(node.name());
                anyUp |= up;
                nodes.add(new Status.Node(node.name(), node.ipv4(), node.ipv6(), up, h == null ? null
                        : new Status.Probe(h.lastResult(), h.lastLatencyMillis(), h.lastProbe(),
                                Duration.between(h.since(), now).toSeconds())));
            }
            locations.add(new Status.Location(site.name(), site.latitude(), site.longitude(), anyUp, nodes));
        }
        return locations;
    }
}
