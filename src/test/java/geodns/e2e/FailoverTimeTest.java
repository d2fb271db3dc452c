package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.HealthCluster;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.WebEndpoints.Behaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How long a dead node stays in answers with production-like settings (interval 1 s, timeout 1 s, fall 3, jitter
 * 0.2): the time from its endpoint dying to the first answer without it is printed. Only loose bounds are
 * asserted: not before fall probes can have failed ((fall - 1) intervals of at least 0.8 s), and not absurdly late.
 */
@ExtendWith(ServerLogOnFailure.class)
class FailoverTimeTest {
    private static final int FALL = 3;
    private static final long INTERVAL_MS = 1000;
    private static final long TIMEOUT_MS = 1000;
    private static final double JITTER = 0.2;

    /** How an endpoint dies. */
    enum Death {
        /** The process is gone: connections are refused at once. */
        STOPPED,
        /** The process hangs: connections are accepted and never answered, so each probe waits its timeout. */
        HUNG
    }

    @TempDir
    static Path dir;
    private static HealthCluster cluster;

    @BeforeAll
    static void start() {
        cluster = HealthCluster.start(dir, "interval: 1s", "timeout: 1s", "jitter: " + JITTER, "fall: " + FALL,
                "rise: 2");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void healthyAgain() {
        cluster.web.allHealthy();
        cluster.awaitAllUp(Duration.ofSeconds(15));
    }

    @ParameterizedTest
    @EnumSource(Death.class)
    void timeFromAnEndpointDyingToTheFirstAnswerWithoutItsNode(Death death) {
        String lon1 = cluster.address("lon-1");
        Poll.until(Duration.ofSeconds(5), Duration.ofMillis(50), "lon-1 probed at least once",
                () -> cluster.web.requests(lon1), n -> n > 0);
        // The log tells of a node coming back before the snapshot with it is swapped in: wait for the answer.
        Poll.until(Duration.ofSeconds(5), Duration.ofMillis(20), "lon-1 in Madrid's answer at first",
                () -> cluster.answerFor(GeoWorld.MADRID), got -> got.contains(lon1));

        long died = System.nanoTime();
        if (death == Death.STOPPED) {
            cluster.web.stop(lon1);
        } else {
            cluster.web.behave(lon1, Behaviour.HANG);
        }
        long[] lastWith = {died};
        Poll.until(Duration.ofSeconds(20), Duration.ofMillis(20), "lon-1 out of Madrid's answer", () -> {
            Set<String> got = cluster.answerFor(GeoWorld.MADRID);
            if (got.contains(lon1)) {
                lastWith[0] = System.nanoTime();
            }
            return got;
        }, got -> !got.contains(lon1));
        long firstWithout = (System.nanoTime() - died) / 1_000_000;
        long lastWithMs = (lastWith[0] - died) / 1_000_000;
        long expected = FALL * INTERVAL_MS + (death == Death.HUNG ? TIMEOUT_MS : 0);
        System.out.printf("failover (%s endpoint; interval %d ms, timeout %d ms, fall %d, jitter %.1f): last answer"
                        + " with the node %d ms after it died, first without it %d ms (fall x interval%s = %d ms)%n",
                death, INTERVAL_MS, TIMEOUT_MS, FALL, JITTER, lastWithMs, firstWithout,
                death == Death.HUNG ? " + timeout" : "", expected);
        long earliest = (long) ((FALL - 1) * INTERVAL_MS * (1 - JITTER));
        assertTrue(firstWithout >= earliest, () -> "out after " + firstWithout + " ms: sooner than " + FALL
                + " failed probes allow (" + earliest + " ms)");
        assertTrue(firstWithout <= 2 * expected + 2000, () -> "out only after " + firstWithout + " ms");
    }
}
