package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.HealthCluster;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload keeps the probes running: a zone edited every second (a CI pipeline, a controller rewriting a
 * ConfigMap) must not keep a dead node in the answers. The node needs 8 failed probes 500 ms apart to go down,
 * longer than the watcher's 2 s between reloads. The client is Madrid (nearest london: lon-1 and lon-2).
 */
@ExtendWith(ServerLogOnFailure.class)
class HealthAcrossReloadsTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private HealthCluster cluster;

    @BeforeEach
    void start() {
        cluster = HealthCluster.start(dir, "expect: 200-399", "interval: 500ms", "timeout: 300ms", "jitter: 0.1",
                "fall: 8", "rise: 2", "initial: up");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Set<String> madrid() {
        return cluster.answerFor(GeoWorld.MADRID);
    }

    @Test
    void aNodeGoingDownIsTakenOutWhileItsZoneIsReloadedEverySecond() throws IOException {
        String lon1 = cluster.address("lon-1");
        Path zone = dir.resolve("zones/example.com.zone");
        String text = Files.readString(zone);
        assertEquals(Set.of(lon1, cluster.address("lon-2")), madrid(), "both london nodes at first");
        int mark = cluster.server.log().length();
        cluster.web.stop(lon1);
        long end = System.nanoTime() + LIMIT.toNanos();
        for (int edit = 0; madrid().contains(lon1); edit++) {
            assertTrue(System.nanoTime() < end, "lon-1 still answered after " + LIMIT + " of reloads");
            ConfigFiles.replace(zone, text + "; edit " + edit + "\n");
            Poll.sleep(1000);
        }
        long reloads = Pattern.compile("reloaded: ").matcher(cluster.server.log().substring(mark)).results().count();
        assertTrue(reloads >= 2, "the node went down across at least two reloads; there were " + reloads);
    }
}
