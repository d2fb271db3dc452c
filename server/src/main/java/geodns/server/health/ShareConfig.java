package geodns.server.health;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * geo.yaml's {@code health: share:}: the other geodns instances whose probe verdicts this one pools with its own,
 * and the secret that proves a view came from one of them. Read by {@link HealthConfigReader}; sharing is off
 * (each instance decides alone) when there is no secret file.
 *
 * @param secretFile the file read (watched for reloads), null when sharing is off
 * @param peers      every instance the config names, this one included when the template lists it; an instance
 *                   leaves itself out by its name ({@link #others})
 * @param interval   each peer's view is fetched this often
 * @param fresh      a view older than {@code fresh} x {@code interval} does not count
 */
public record ShareConfig(Path secretFile, PeerSecret secret, List<Peer> peers, Duration interval, int fresh) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_FRESH = 3;

    public ShareConfig {
        peers = List.copyOf(peers);
    }

    public static ShareConfig off() {
        return new ShareConfig(null, null, List.of(), DEFAULT_INTERVAL, DEFAULT_FRESH);
    }

    public boolean on() {
        return secret != null;
    }

    /**
     * One instance to fetch from. {@code name}: the geo.yaml node it runs on (from the {@code {ip}} template),
     * which its views must name; null for a URL of an explicit list, whose views name the instance themselves.
     */
    public record Peer(String name, URI url) {}

    /** The peers other than the instance called {@code self}: with the template, this node is left out. */
    public List<Peer> others(String self) {
        return peers.stream().filter(p -> p.name() == null || !p.name().equals(self)).toList();
    }

    /** How long a view counts after it was fetched, and how far its own clock may be from ours. */
    public Duration window() {
        return interval.multipliedBy(fresh);
    }
}
