package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.RawHttp;
import geodns.e2e.support.ServerLogOnFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin port under clients that do not finish their requests: liveness must not depend on them (the kubelet
 * restarts a pod whose /healthz does not answer), and their connections must not last.
 */
@ExtendWith(ServerLogOnFailure.class)
class AdminSlowClientsTest {
    /** The server gives a connection 10 s to send a whole request; this leaves room for a loaded machine. */
    private static final int CLOSED_WITHIN_MILLIS = 25_000;

    static GeodnsServer server;
    private final List<Socket> held = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() {
        server = GeodnsServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void release() throws Exception {
        trickle.shutdownNow();
        trickle.awaitTermination(5, TimeUnit.SECONDS);
        for (Socket s : held) {
            s.close();
        }
    }

    private Socket open(String sent) throws IOException {
        Socket s = new Socket(server.http().getAddress(), server.http().getPort());
        held.add(s);
        s.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** Sends {@code text} one byte every {@code everyMillis}, for as long as the test runs (or the server lets it). */
    private void trickle(Socket s, String text, long everyMillis) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        int[] next = {0};
        trickle.scheduleAtFixedRate(() -> {
            try {
                s.getOutputStream().write(bytes[next[0]++ % bytes.length]);
            } catch (IOException e) {
                // closed by the server: that is allowed
            }
        }, 0, everyMillis, TimeUnit.MILLISECONDS);
    }

    /** Fifty connections of five kinds, none of which ever completes a request. */
    private void holdFiftySlowClients() throws IOException {
        for (int i = 0; i < 10; i++) {
            open("");                                                          // connected, silent
            open("GET /heal");                                                 // half a request line
            open("GET /healthz HTTP/1.1\r\nHost: x\r\n");                      // the repro: no blank line
            open("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc");   // a body that stalls
            trickle(open(""), "GET /status HTTP/1.1\r\nHost: x\r\nX-Slow: " + "y".repeat(400) + "\r\n", 50);
        }
    }

    @Test
    void healthzAnswersWithin100msWhileFiftySlowClientsHoldConnections() throws Exception {
        RawHttp.get(server.http(), "GET", "/healthz", 2000);   // warm: the first answer is the JIT's
        holdFiftySlowClients();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = RawHttp.get(server.http(), "GET", "/healthz", 2000);
            assertEquals(200, r.status(), () -> "" + r);
            millis.add(r.millis());
        }
        long slowest = millis.stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.println("AdminSlowClientsTest: /healthz under 50 slow clients, ms: " + millis);
        assertTrue(slowest < 100, () -> "every /healthz within 100 ms; took " + millis);
        for (String path : List.of("/readyz", "/metrics", "/status", "/status.json")) {
            assertEquals(200, RawHttp.get(server.http(), "GET", path, 2000).status(), path);
        }
    }

    @Test
    void aRequestThatTricklesInForeverIsCutOff() throws Exception {
        Socket s = open("");
        trickle(s, "GET /healthz HTTP/1.1\r\nX-Slow: " + "y".repeat(5000), 200);
        assertClosedByServer(s, CLOSED_WITHIN_MILLIS);
    }

    @Test
    void aConnectionThatSendsHalfARequestAndWaitsIsCutOff() throws Exception {
        assertClosedByServer(open("GET /healthz HTTP/1.1\r\nHost: x\r\n"), CLOSED_WITHIN_MILLIS);
    }

    @Test
    void moreConnectionsThanTheCapCloseTheOldestAndHealthzStillAnswers() throws Exception {
        List<Socket> first = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket s = open("GET /heal");
            if (i < 10) {
                first.add(s);
            }
        }
        RawHttp.Response r = RawHttp.get(server.http(), "GET", "/healthz", 2000);
        assertEquals(200, r.status(), () -> "" + r);
        for (Socket s : first) {
            assertClosedByServer(s, 5000);   // the oldest were closed to make room
        }
    }

    /** Reads until the server closes the connection (an end of stream, or a reset when it left bytes unread). */
    private static void assertClosedByServer(Socket s, int withinMillis) throws IOException {
        s.setSoTimeout(withinMillis);
        long start = System.nanoTime();
        try {
            InputStream in = s.getInputStream();
            int b;
            do {
                b = in.read();
            } while (b >= 0);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + withinMillis + " ms");
        } catch (IOException e) {
            // reset: closed too
        }
        System.out.println("AdminSlowClientsTest: closed after " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }
}
