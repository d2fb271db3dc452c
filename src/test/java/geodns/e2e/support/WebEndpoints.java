package geodns.e2e.support;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One small HTTP server per cluster node, standing in for the node's Traefik {@code /ping} endpoint: each bound
 * to its own loopback address (127.0.20.1, 127.0.20.2, ...), all on one port, so that a probe URL template
 * {@code http://{ip}:PORT/ping} reaches each node's own endpoint. An endpoint can be stopped (connection
 * refused), started again, slowed, made to answer a status, or to alternate between good and bad answers.
 */
public final class WebEndpoints implements AutoCloseable {

    /** How an endpoint answers {@code GET /ping}. */
    public enum Behaviour {
        /** 200 at once. */
        OK,
        /** 200, after sleeping {@link #SLOW_MILLIS}. */
        SLOW,
        /** The status set with {@link #status}. */
        STATUS,
        /** 200 and 500 in turn, one each per request. */
        ALTERNATING,
        /** Accepts the request and never answers (until stopped). */
        HANG
    }

    public static final long SLOW_MILLIS = 1500;

    private final int port;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

    private WebEndpoints(int port) {
        this.port = port;
    }

    /** Starts an endpoint on each of {@code addresses}, all answering 200, on one port free on all of them. */
    public static WebEndpoints start(List<String> addresses) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = GeodnsServer.freePort(GeoWorld.address(addresses.get(0)), false);
            WebEndpoints web = new WebEndpoints(port);
            try {
                for (String address : addresses) {
                    Endpoint e = new Endpoint(address, port);
                    web.endpoints.put(address, e);
                    e.start();
                }
                return web;
            } catch (BindException taken) {
                web.close();
            } catch (IOException e) {
                web.close();
                throw new AssertionError("cannot start the HTTP endpoints on " + addresses + ": " + e, e);
            }
        }
        throw new AssertionError("no port free on all of " + addresses);
    }

    public int port() {
        return port;
    }

    private Endpoint endpoint(String address) {
        Endpoint e = endpoints.get(address);
        if (e == null) {
            throw new IllegalArgumentException("no endpoint on " + address);
        }
        return e;
    }

    /** Stops the endpoint: connections to it are refused from now on. */
    public void stop(String address) {
        endpoint(address).stop();
    }

    /** Starts the endpoint again (answering as its behaviour says). */
    public void start(String address) {
        try {
            endpoint(address).start();
        } catch (IOException e) {
            throw new AssertionError("cannot restart the endpoint on " + address + ":" + port + ": " + e, e);
        }
    }

    public void behave(String address, Behaviour behaviour) {
        endpoint(address).behaviour = behaviour;
    }

    /** Answer {@code status} to every request. */
    public void status(String address, int status) {
        Endpoint e = endpoint(address);
        e.status = status;
        e.behaviour = Behaviour.STATUS;
    }

    /** Every endpoint running and answering 200 at once, counters kept. */
    public void allHealthy() {
        for (String address : endpoints.keySet()) {
            behave(address, Behaviour.OK);
            if (!endpoint(address).running()) {
                start(address);
            }
        }
    }

    /** Requests the endpoint has received so far (counted when they arrive). */
    public int requests(String address) {
        return endpoint(address).requests.get();
    }

    /** The Host header of the last request, or null before the first. */
    public String lastHost(String address) {
        return endpoint(address).lastHost;
    }

    /** The request path of the last request, or null before the first. */
    public String lastPath(String address) {
        return endpoint(address).lastPath;
    }

    @Override
    public void close() {
        endpoints.values().forEach(Endpoint::stop);
    }

    private static final class Endpoint {
        final String address;
        final int port;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger alternation = new AtomicInteger();
        volatile Behaviour behaviour = Behaviour.OK;
        volatile int status = 200;
        volatile String lastHost;
        volatile String lastPath;
        private HttpListener listener;

        Endpoint(String address, int port) {
            this.address = address;
            this.port = port;
        }

        synchronized boolean running() {
            return listener != null;
        }

        synchronized void start() throws IOException {
            if (listener == null) {
                listener = HttpListener.start(address, port, "endpoint-" + address, 0, this::handle);
            }
        }

        synchronized void stop() {
            if (listener != null) {
                listener.stop();
                listener = null;
            }
        }

        private void handle(HttpExchange exchange) throws IOException {
            requests.incrementAndGet();
            lastHost = exchange.getRequestHeaders().getFirst("Host");
            lastPath = exchange.getRequestURI().getPath();
            try (exchange) {
                int code = switch (behaviour) {
                    case OK -> 200;
                    case STATUS -> status;
                    case ALTERNATING -> alternation.getAndIncrement() % 2 == 0 ? 200 : 500;
                    case SLOW -> {
                        sleep(SLOW_MILLIS);
                        yield 200;
                    }
                    case HANG -> {
                        sleep(60_000);
                        yield 200;
                    }
                };
                if (!"/ping".equals(lastPath)) {
                    code = 404;
                }
                byte[] body = ("status " + code + "\n").getBytes();
                exchange.sendResponseHeaders(code, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException closedByTheProbe) {
                // the prober gave up (timeout) and closed the connection
            }
        }

        private static void sleep(long millis) throws IOException {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("stopped");
            }
        }
    }

    /** The addresses, in the order given to {@link #start}. */
    public List<String> addresses() {
        return new ArrayList<>(endpoints.keySet());
    }
}
