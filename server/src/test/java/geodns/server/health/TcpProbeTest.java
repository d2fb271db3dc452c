package geodns.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP-connect probe against real listeners on loopback: up while the port accepts, and nothing sent. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TcpProbeTest extends ProbeFixture {
    /** A port on its own loopback address that accepts, counts and records what each connection sent. */
    final class Listener implements AutoCloseable {
        final InetAddress address = InetAddress.getByName("127.0.3." + NEXT_ADDRESS.getAndIncrement());
        final ServerSocket socket = new ServerSocket(0, 16, address);
        final AtomicInteger accepted = new AtomicInteger();
        final List<Integer> bytesSent = new CopyOnWriteArrayList<>();

        Listener() throws IOException {
            Thread loop = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept(); InputStream in = s.getInputStream()) {
                        accepted.incrementAndGet();
                        s.setSoTimeout(2_000);
                        bytesSent.add(in.readAllBytes().length);   // until the prober closes
                    } catch (IOException e) {
                        // closed, or the peer reset
                    }
                }
            }, "tcp-listener");
            loop.setDaemon(true);
            loop.start();
            cleanup.add(this);
        }

        ProbeTarget target(String node) {
            return new ProbeTarget(node, new TcpProbe(address.getHostAddress(), socket.getLocalPort()), TIMEOUT,
                    INTERVAL, 0, 2, 2, true);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aPortThatAcceptsIsUp() throws Exception {
        Listener listener = new Listener();
        Changes changes = new Changes();
        Prober prober = start(with(listener.target("lon-1"), false), changes);
        await("up", () -> isUp(prober, "lon-1"));
        assertEquals("connected", prober.view().nodes().get("lon-1").lastResult());
        assertEquals(1, changes.count());
    }

    @Test
    void aClosedPortGoesDownAsConnectionRefused() throws Exception {
        Listener listener = new Listener();
        Prober prober = start(listener.target("lon-1"), new Changes());
        await("connected twice", () -> listener.accepted.get() >= 2);
        assertTrue(isUp(prober, "lon-1"));
        listener.close();
        await("down", () -> !isUp(prober, "lon-1"));
        assertEquals("connection refused", prober.view().nodes().get("lon-1").lastResult());
    }

    @Test
    void theCheckSendsNothingAndHangsUp() throws Exception {
        Listener listener = new Listener();
        start(listener.target("lon-1"), new Changes());
        await("three connections ended", () -> listener.bytesSent.size() >= 3);
        assertTrue(listener.bytesSent.stream().allMatch(n -> n == 0), () -> "bytes: " + listener.bytesSent);
    }

    @Test
    void aPortThatDoesNotCompleteTheHandshakeIsDownAtTheTimeout() throws Exception {
        // A listener that never accepts, its backlog filled: Linux drops further SYNs, so connects hang.
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.3." + NEXT_ADDRESS.getAndIncrement()));
        cleanup.add(full);
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            cleanup.add(s);
            try {
                s.connect(new InetSocketAddress(full.getInetAddress(), full.getLocalPort()), 200);
                fillers.add(s);
            } catch (IOException backlogFull) {
                break;
            }
        }
        ProbeTarget target = new ProbeTarget("lon-1", new TcpProbe(full.getInetAddress().getHostAddress(),
                full.getLocalPort()), SHORT_TIMEOUT, INTERVAL, 0, 2, 2, true);
        Prober prober = start(target, new Changes());
        await("down", () -> !isUp(prober, "lon-1"));
        NodeHealth health = prober.view().nodes().get("lon-1");
        assertEquals("timeout", health.lastResult(), () -> fillers.size() + " connections filled the backlog");
        assertTrue(health.lastLatencyMillis() < 1_000, "cut at the timeout (200 ms): " + health.lastLatencyMillis());
    }

    @Test
    void aReplacementConnectingToTheSamePortCarriesTheNodeAndAnotherPortStartsAfresh() throws Exception {
        Listener listener = new Listener();
        ProbeTarget target = listener.target("lon-1");
        Prober prober = start(target, new Changes());
        await("probed", () -> prober.view().nodes().get("lon-1").lastProbe() != null);
        assertEquals(java.util.Set.of("lon-1"), prober.carriedTo(List.of(listener.target("lon-1"))).nodes().keySet());
        ProbeTarget otherPort = new ProbeTarget("lon-1", new TcpProbe(listener.address.getHostAddress(), 1),
                TIMEOUT, INTERVAL, 0, 2, 2, true);
        assertEquals(Map.of(), prober.carriedTo(List.of(otherPort)).nodes());
    }

    @Test
    void aTcpCheckAndAnHttpCheckOfTheSameNodeAreDifferentProbes() throws Exception {
        Listener listener = new Listener();
        ProbeTarget tcp = listener.target("lon-1");
        ProbeTarget http = httpTarget("lon-1", java.net.URI.create("http://" + listener.address.getHostAddress()
                + ":" + listener.socket.getLocalPort() + "/"), null, 200, 399, TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        assertFalse(tcp.equals(http));
        try (Prober prober = newProber(List.of(tcp), HealthView.allUp(), view -> { })) {
            assertEquals(Map.of(), prober.carriedTo(List.of(http)).nodes());
        }
    }

    private static ProbeTarget with(ProbeTarget t, boolean initiallyUp) {
        return new ProbeTarget(t.node(), t.probe(), t.timeout(), t.interval(), t.jitter(), t.fall(), t.rise(),
                initiallyUp);
    }
}
