package geodns.e2e.support;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each node's Traefik as a stock k3s cluster has it on port 80 (the "web" entrypoint): a request whose Host no
 * route matches, which is every request until the operator adds routes, gets Go's {@code http.NotFound}: status
 * 404, {@code Content-Type: text/plain; charset=utf-8}, {@code X-Content-Type-Options: nosniff}, body
 * {@code 404 page not found\n}. {@code /ping} is no exception (it lives on Traefik's internal entrypoint). A route
 * added with {@link #route} answers its status for its Host, as an Ingress for the app would. One HTTP server per
 * node address (loopback), all on one port; a node's Traefik can be stopped (connection refused) and started again.
 */
public final class StockTraefik implements AutoCloseable {
    public static final String NOT_FOUND_BODY = "404 page not found\n";
    public static final String NOT_FOUND_TYPE = "text/plain; charset=utf-8";

    private final int port;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    private StockTraefik(int port) {
        this.port = port;
    }

    /** A Traefik on each of {@code addresses}, one port free on all of them. */
    public static StockTraefik start(List<String> addresses) {
        for (int attempt = 0; attempt < 20; attempt++) {
            StockTraefik traefik = new StockTraefik(GeodnsServer.freePort(GeoWorld.address(addresses.get(0)), false));
            try {
                for (String address : addresses) {
                    Node node = traefik.new Node(address);
                    traefik.nodes.put(address, node);
                    node.start();
                }
                return traefik;
            } catch (BindException taken) {
                traefik.close();
            } catch (IOException e) {
                traefik.close();
                throw new AssertionError("cannot start Traefik stand-ins on " + addresses + ": " + e, e);
            }
        }
        throw new AssertionError("no port free on all of " + addresses);
    }

    public int port() {
        return port;
    }

    /** From now on requests with this Host (port ignored) get {@code status}, on every node. */
    public void route(String host, int status) {
        nodes.values().forEach(n -> n.routes.put(host, status));
    }

    /** From now on requests with this Host get {@code status} on this node (e.g. 502: its app pod is gone). */
    public void route(String address, String host, int status) {
        node(address).routes.put(host, status);
    }

    /** Connections to this node's Traefik are refused from now on. */
    public void stop(String address) {
        node(address).stop();
    }

    public void start(String address) {
        try {
            node(address).start();
        } catch (IOException e) {
            throw new AssertionError("cannot restart Traefik on " + address + ":" + port + ": " + e, e);
        }
    }

    /** Requests this node's Traefik has received (counted as it answers them). */
    public int requests(String address) {
        return node(address).requests.get();
    }

    /** The status of the last answer, 0 before the first. */
    public int lastStatus(String address) {
        return node(address).lastStatus;
    }

    private Node node(String address) {
        Node n = nodes.get(address);
        if (n == null) {
            throw new IllegalArgumentException("no Traefik on " + address);
        }
        return n;
    }

    @Override
    public void close() {
        nodes.values().forEach(Node::stop);
    }

    private final class Node {
        final String address;
        final AtomicInteger requests = new AtomicInteger();
        final Map<String, Integer> routes = new ConcurrentHashMap<>();
        volatile int lastStatus;
        private HttpListener listener;

        Node(String address) {
            this.address = address;
        }

        synchronized void start() throws IOException {
            if (listener == null) {
                listener = HttpListener.start(address, port, "traefik-" + address, 2, this::handle);
            }
        }

        synchronized void stop() {
            if (listener != null) {
                listener.stop();
                listener = null;
            }
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String host = String.valueOf(exchange.getRequestHeaders().getFirst("Host")).replaceFirst(":\\d+$", "");
                Integer routed = routes.get(host);
                int status = routed != null ? routed : 404;
                byte[] body = (routed != null ? "routed to " + host + "\n" : NOT_FOUND_BODY)
                        .getBytes(StandardCharsets.UTF_8);
                lastStatus = status;
                requests.incrementAndGet();
                exchange.getResponseHeaders().set("Content-Type", NOT_FOUND_TYPE);
                exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException closedByTheProbe) {
                // the prober read its status line and closed the connection
            }
        }
    }
}
