package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.HealthCluster;
import geodns.e2e.support.Poll;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.ServerLogOnFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health-aware TTL (gdnsd's DYNA TTLs) end to end: app.example.com has {@code ttl: 5-300}; its nodes are real local
 * HTTP endpoints probed every 200 ms with fall 10 and rise 10, so a failing or rising streak lasts about two
 * seconds, long enough to see. The client is Madrid (london: lon-1, lon-2); Berlin's is frankfurt.
 */
@ExtendWith(ServerLogOnFailure.class)
class HealthAwareTtlTest {
    private static final long SHORT = 5;
    private static final long LONG = 300;
    private static final Duration CHANGE = Duration.ofSeconds(15);   // fall/rise 10 x 200 ms, under load
    private static final Duration EVERY = Duration.ofMillis(25);

    @TempDir
    static Path dir;
    private static HealthCluster cluster;

    @BeforeAll
    static void start() {
        cluster = HealthCluster.start(dir, SHORT + "-" + LONG, List.of(), "interval: 200ms", "timeout: 300ms",
                "jitter: 0.1", "fall: 10", "rise: 10", "initial: up");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void everyNodeStableAgain() {
        cluster.web.allHealthy();
        cluster.awaitAllUp(CHANGE);
        awaitMadrid("both london nodes with the long TTL", a -> a.addresses().equals(both()) && a.ttl() == LONG);
    }

    /** The addresses and the TTL (one for all of them) Madrid is answered with now. */
    record Answer(Set<String> addresses, long ttl) {}

    private static Answer madrid() {
        return answer(GeoWorld.MADRID);
    }

    private static Answer answer(GeoWorld.City city) {
        Reply reply = cluster.replyFor(city);
        Set<Long> ttls = reply.answer().stream().map(Rr::ttl).collect(java.util.stream.Collectors.toSet());
        assertEquals(1, ttls.size(), () -> "one TTL for the whole answer: " + reply);
        return new Answer(GeoWorld.addresses(reply, "A"), ttls.iterator().next());
    }

    private static Answer awaitMadrid(String what, java.util.function.Predicate<Answer> done) {
        return Poll.until(CHANGE, EVERY, "Madrid's answer: " + what, HealthAwareTtlTest::madrid, done);
    }

    private static Set<String> both() {
        return Set.of(cluster.address("lon-1"), cluster.address("lon-2"));
    }

    @Test
    void aStableAnswerCarriesTheLongTtl() {
        assertEquals(new Answer(both(), LONG), madrid());
    }

    @Test
    void aNodeFailingItsProbesShortensItsLocationsTtlBeforeItGoesDown() {
        cluster.web.status(cluster.address("lon-1"), 500);
        Answer failing = awaitMadrid("the short TTL", a -> a.ttl() == SHORT);
        assertEquals(both(), failing.addresses(), "lon-1 is still answered: not down yet");
        assertEquals(LONG, answer(GeoWorld.BERLIN).ttl(), "frankfurt's answer does not depend on lon-1");
        Answer down = awaitMadrid("lon-1 down", a -> !a.addresses().contains(cluster.address("lon-1")));
        assertEquals(new Answer(Set.of(cluster.address("lon-2")), LONG), down,
                "once lon-1 is down nothing is about to change: the long TTL again");
    }

    @Test
    void aNodeRecoveringShortensTheTtlUntilItIsUpAgain() {
        cluster.web.status(cluster.address("lon-1"), 500);
        awaitMadrid("lon-2 alone with the long TTL", a -> a.equals(new Answer(Set.of(cluster.address("lon-2")), LONG)));
        cluster.web.allHealthy();
        Answer rising = awaitMadrid("the short TTL", a -> a.ttl() == SHORT);
        assertEquals(Set.of(cluster.address("lon-2")), rising.addresses(), "lon-1 is not back yet");
        Answer back = awaitMadrid("lon-1 back", a -> a.addresses().contains(cluster.address("lon-1")));
        assertEquals(new Answer(both(), LONG), back, "up again and stable: the long TTL");
    }

    @Test
    void aNodeAlreadyDownThatKeepsFailingChangesNothing() {
        cluster.web.stop(cluster.address("lon-1"));
        awaitMadrid("lon-2 alone with the long TTL", a -> a.equals(new Answer(Set.of(cluster.address("lon-2")), LONG)));
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < end) {
            assertEquals(LONG, madrid().ttl(), "a down node's further failures are no streak");
            Poll.sleep(EVERY.toMillis());
        }
    }
}
