package geodns.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The prober's state machine against real HTTP endpoints (see {@link ProbeFixture}): going down after fall
 * failures, up after rise successes, no flapping, one call per transition, what a replacement carries over, close.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProberTest extends ProbeFixture {
    @Test
    void stoppedServerGoesDown() throws Exception {
        Endpoint endpoint = new Endpoint();
        Changes changes = new Changes();
        Prober prober = start(endpoint.target("lon-1"), changes);
        await("probed twice", () -> endpoint.requests.get() >= 2);
        assertTrue(isUp(prober, "lon-1"));

        endpoint.stop();
        await("down", () -> !isUp(prober, "lon-1"));
        assertEquals("connection refused", prober.view().nodes().get("lon-1").lastResult());
    }

    @Test
    void nodeWithNothingListeningGoesDown() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.3.250"))) {
            port = free.getLocalPort();
        }
        ProbeTarget target = httpTarget("ghost", URI.create("http://127.0.3.250:" + port + "/ping"), null, 200,
                399, TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        Prober prober = start(target, new Changes());
        await("down", () -> !isUp(prober, "ghost"));
    }

    @Test
    void slowServerIsDown() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.hangs = true;
        Prober prober = start(withTimeout(endpoint.target("lon-1"), SHORT_TIMEOUT), new Changes());
        await("down", () -> !isUp(prober, "lon-1"));
        NodeHealth health = prober.view().nodes().get("lon-1");
        assertEquals("timeout", health.lastResult());
        assertTrue(health.lastLatencyMillis() < 1_000, "cut at the timeout (200 ms), not much later: "
                + health.lastLatencyMillis());
    }

    @Test
    void serverSlowerThanUsualButWithinTheTimeoutStaysUp() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.delayMillis = 50;
        Changes changes = new Changes();
        Prober prober = start(withTimeout(endpoint.target("lon-1"), SHORT_TIMEOUT), changes);
        await("probed five times", () -> endpoint.requests.get() >= 5);
        assertTrue(isUp(prober, "lon-1"));
        assertEquals(0, changes.count());
    }

    @Test
    void restartedServerComesBackUpAfterRiseSuccesses() throws Exception {
        Endpoint endpoint = new Endpoint();
        AtomicInteger requestsAtLastChange = new AtomicInteger(-1);
        Changes changes = new Changes() {
            @Override
            public void accept(HealthView view) {
                requestsAtLastChange.set(endpoint.requests.get());
                super.accept(view);
            }
        };
        Prober prober = start(endpoint.target("lon-1"), changes);
        endpoint.stop();
        await("down", () -> !isUp(prober, "lon-1"));

        endpoint.requests.set(0);
        endpoint.start();
        await("up again", () -> isUp(prober, "lon-1"));
        await("told: down, then up", () -> changes.count() == 2);   // the view is published before the call
        assertEquals(2, requestsAtLastChange.get(), "up after exactly rise (2) successes");
    }

    @Test
    void nodeInitiallyDownComesUpAfterRiseSuccesses() throws Exception {
        Endpoint endpoint = new Endpoint();
        AtomicInteger requestsAtChange = new AtomicInteger(-1);
        Changes changes = new Changes() {
            @Override
            public void accept(HealthView view) {
                requestsAtChange.compareAndSet(-1, endpoint.requests.get());
                super.accept(view);
            }
        };
        Prober prober = start(with(endpoint.target("lon-1"), 200, 399, false), changes);
        assertFalse(isUp(prober, "lon-1"), "initial: down");
        await("up", () -> isUp(prober, "lon-1"));
        await("told", () -> changes.count() == 1);
        assertEquals(2, requestsAtChange.get(), "up after exactly rise (2) successes");
    }

    @Test
    void alternatingEndpointNeverFlaps() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> n % 2 == 0 ? 500 : 200;
        Changes changes = new Changes();
        Prober prober = start(endpoint.target("lon-1"), changes);
        await("probed twelve times", () -> endpoint.requests.get() >= 12);
        assertTrue(isUp(prober, "lon-1"));
        assertEquals(0, changes.count(), "no transition with fall 2 and rise 2");
    }

    @Test
    void onChangeFiresOncePerTransition() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 500;
        Changes changes = new Changes();
        Prober prober = start(endpoint.target("lon-1"), changes);
        await("down", () -> !isUp(prober, "lon-1"));
        await("told", () -> changes.count() >= 1);
        int atDown = endpoint.requests.get();
        await("three more failures", () -> endpoint.requests.get() >= atDown + 3);
        assertEquals(1, changes.count(), "one call for going down, none for staying down");
        assertFalse(changes.views.get(0).isUp("lon-1"), "the callback is given the new view");

        endpoint.status = n -> 200;
        await("up", () -> isUp(prober, "lon-1"));
        await("told", () -> changes.count() >= 2);
        int atUp = endpoint.requests.get();
        await("three more successes", () -> endpoint.requests.get() >= atUp + 3);
        assertEquals(2, changes.count(), "one more for coming up, none for staying up");
        assertTrue(changes.views.get(1).isUp("lon-1"));
    }

    @Test
    void nodesAreJudgedIndependently() throws Exception {
        Endpoint healthy = new Endpoint();
        Endpoint failing = new Endpoint();
        failing.status = n -> 500;
        Changes changes = new Changes();
        Prober prober = start(List.of(healthy.target("lon-1"), failing.target("lon-2")), changes);
        await("lon-2 down", () -> !isUp(prober, "lon-2"));
        await("both probed again", () -> healthy.requests.get() >= 3 && failing.requests.get() >= 3);
        assertTrue(isUp(prober, "lon-1"));
        assertEquals(1, changes.count());
    }

    @Test
    void callbackThatThrowsDoesNotStopProbing() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 500;
        AtomicInteger calls = new AtomicInteger();
        Prober prober = newProber(List.of(endpoint.target("lon-1")), HealthView.allUp(), view -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener failed");
        });
        cleanup.add(0, prober);
        prober.start();
        await("down", () -> !isUp(prober, "lon-1"));
        endpoint.status = n -> 200;
        await("up again: probing went on after the listener failed", () -> isUp(prober, "lon-1"));
        // The view is published before the listener hears of it: wait for the call rather than race it.
        await("the listener told of the change too", () -> calls.get() == 2);
    }

    @Test
    void aProbeThatThrowsCountsAsAFailureAndProbingGoesOn() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        Probe throwsTwice = timeout -> {
            if (checks.incrementAndGet() <= 2) {
                throw new IllegalStateException("a probe type with a bug");
            }
            return new Probe.Result(true, "fine", Duration.ZERO);
        };
        Changes changes = new Changes();
        Prober prober = start(new ProbeTarget("lon-1", throwsTwice, TIMEOUT, INTERVAL, 0, 2, 2, true), changes);
        await("told: down, then up", () -> changes.count() == 2);
        assertEquals("IllegalStateException", changes.views.get(0).nodes().get("lon-1").lastResult());
        assertTrue(changes.views.get(1).isUp("lon-1"));
    }

    @Test
    void previousViewIsContinued() {
        NodeHealth knownDown = new NodeHealth(false, "HTTP 500", 1, null, java.time.Instant.EPOCH, 5, false);
        ProbeTarget target = httpTarget("lon-1", URI.create("http://127.0.3.252:1/ping"), null, 200, 399,
                TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        try (Prober prober = newProber(List.of(target), new HealthView(Map.of("lon-1", knownDown, "gone", knownDown)),
                view -> { })) {
            assertFalse(isUp(prober, "lon-1"), "what was known is kept, not reset to the initial state");
            assertEquals(java.util.Set.of("lon-1"), prober.view().nodes().keySet(), "nodes no longer probed go");
        }
    }

    @Test
    void aReplacementProbingANodeTheSameWayContinuesItsStreakOfFailures() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 500;
        ProbeTarget slowToFall = httpTarget("lon-1", endpoint.url("/ping"), null, 200, 399, TIMEOUT, INTERVAL,
                0, 100, 2, true, false);
        Prober prober = start(slowToFall, new Changes());
        await("failed twice", () -> prober.view().nodes().get("lon-1").streak() >= 2);
        NodeHealth carried = prober.carriedTo(List.of(slowToFall)).nodes().get("lon-1");
        assertFalse(carried.lastOk());
        assertTrue(carried.streak() >= 2, () -> "streak " + carried.streak());
    }

    @Test
    void aNodeProbedAnotherWayIsNotCarriedToTheReplacement() throws Exception {
        Endpoint endpoint = new Endpoint();
        Prober prober = start(endpoint.target("lon-1"), new Changes());
        ProbeTarget otherPath = httpTarget("lon-1", endpoint.url("/ready"), null, 200, 399, TIMEOUT, INTERVAL,
                0, 2, 2, true, false);
        assertEquals(Map.of(), prober.carriedTo(List.of(otherPath)).nodes());
    }

    @Test
    void closeStopsProbing() throws Exception {
        Endpoint endpoint = new Endpoint();
        Prober prober = start(endpoint.target("lon-1"), new Changes());
        await("probed twice", () -> endpoint.requests.get() >= 2);
        prober.close();
        assertQuietAfterClose(prober, endpoint);
    }

    @Test
    void closeStopsProbingASlowServerToo() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.hangs = true;
        Prober prober = start(withTimeout(endpoint.target("lon-1"), SHORT_TIMEOUT), new Changes());
        await("probed", () -> endpoint.requests.get() >= 1);
        prober.close();
        assertQuietAfterClose(prober, endpoint);
    }

    /**
     * Once the closed prober's threads have ended (a probe on its way finishes or is cut at its timeout), no
     * request reaches its endpoint while a second prober, still running, probes another endpoint five times.
     */
    private void assertQuietAfterClose(Prober closed, Endpoint endpoint) throws Exception {
        await("the closed prober's threads ended", closed::terminated);
        int afterClose = endpoint.requests.get();
        Endpoint clock = new Endpoint();
        start(clock.target("clock"), new Changes());
        await("five probes of a running prober", () -> clock.requests.get() >= 5);
        assertEquals(afterClose, endpoint.requests.get(), "no request after close");
    }

    @Test
    void closeWithoutStartIsFine() {
        newProber(List.of(), HealthView.allUp(), view -> { }).close();
    }
}
