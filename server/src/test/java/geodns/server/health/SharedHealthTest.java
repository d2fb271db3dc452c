package geodns.server.health;

import static geodns.server.health.ProbeFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import geodns.server.metrics.Metrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SharedHealth against two peers on loopback that answer with signed views of node n: the merged verdict, and
 * that the snapshot is asked for only when it changes, not when this instance's own view alone does.
 */
@Timeout(60)
class SharedHealthTest {
    private static final PeerSecret SECRET = new PeerSecret("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
    private final AtomicReference<Boolean> peersSay = new AtomicReference<>(true);
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicReference<HealthView> own = new AtomicReference<>(view(false));
    private final AtomicInteger snapshots = new AtomicInteger();
    private HttpServer peers;
    private SharedHealth shared;

    private static HealthView view(boolean up) {
        return new HealthView(Map.of("n", NodeHealth.initial(up, Instant.now())));
    }

    @BeforeEach
    void start() throws Exception {
        peers = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        for (String name : List.of("p1", "p2")) {
            peers.createContext("/" + name + PeerView.PATH, exchange -> {
                fetches.incrementAndGet();
                String nonce = exchange.getRequestURI().getQuery().replaceFirst("^nonce=", "");
                String body = PeerView.body(name, Instant.now(), nonce, view(peersSay.get()));
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set(PeerView.SIGNATURE_HEADER, SECRET.sign(bytes));
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
        }
        peers.start();
        String base = "http://127.0.0.1:" + peers.getAddress().getPort() + "/";
        ShareConfig config = new ShareConfig(null, SECRET, List.of(new ShareConfig.Peer(null, URI.create(base + "p1")),
                new ShareConfig.Peer(null, URI.create(base + "p2"))), Duration.ofMillis(100), 3);
        shared = new SharedHealth(config, "me", own::get, new Metrics(), snapshots::incrementAndGet);
        shared.start();
    }

    @AfterEach
    void stop() {
        shared.close();
        peers.stop(0);
    }

    private void awaitFetches(int more) throws InterruptedException {
        int until = fetches.get() + more;
        await(more + " more fetches", () -> fetches.get() >= until);
    }

    @Test
    void twoPeersThatSeeANodeUpOutvoteThisInstance() throws Exception {
        await("n up by the peers' votes", () -> shared.merged().isUp("n"));
        assertFalse(shared.sharing().partitioned());
        assertEquals(Map.of("n", true), shared.sharing().merged());
    }

    @Test
    void aChangeOfTheOwnViewAloneBuildsNoSnapshot() throws Exception {
        await("n up by the peers' votes", () -> shared.merged().isUp("n"));
        awaitFetches(4);
        int built = snapshots.get();
        own.set(view(true));
        shared.ownChanged();
        awaitFetches(6);
        own.set(view(false));
        shared.ownChanged();
        awaitFetches(6);
        assertEquals(built, snapshots.get(), "the merged verdict stayed up: no new snapshot");
        peersSay.set(false);
        await("n down by the peers' votes", () -> !shared.merged().isUp("n"));
        awaitFetches(4);
        assertEquals(built + 1, snapshots.get(), "one change of the merged verdict: one snapshot");
    }

    @Test
    void peersThatStopAnsweringLeaveThisInstanceToItsOwnView() throws Exception {
        await("n up by the peers' votes", () -> shared.merged().isUp("n"));
        peers.stop(0);
        await("own view only", () -> shared.sharing().partitioned());
        assertFalse(shared.merged().isUp("n"));
        assertTrue(shared.sharing().observers().stream().skip(1).noneMatch(SharedHealth.Observer::fresh));
    }

    @Test
    void fetchingStartsNoThreadPerFetch() throws Exception {
        await("n up by the peers' votes", () -> shared.merged().isUp("n"));
        awaitFetches(10);  // the fetching threads and the HTTP client's are running by now
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();
        awaitFetches(40);
        long started = threads.getTotalStartedThreadCount() - before;
        // sendAsync completed each fetch on a thread of its own where the common pool has one thread (2 cores).
        assertTrue(started < 10, started + " threads started during 40 fetches");
    }
}
