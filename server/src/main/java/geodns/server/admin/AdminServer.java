package geodns.server.admin;

import com.sun.net.httpserver.HttpExchange;
import geodns.server.metrics.Metrics;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The admin HTTP port, never the DNS port: liveness and readiness for Kubernetes, Prometheus metrics, the
 * status page and its JSON, and the explain page.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer http;

    public AdminServer(InetSocketAddress address, BooleanSupplier ready, Metrics metrics, Explainer explainer,
                       Supplier<Map<String, Object>> status) throws IOException {
        http = HttpServer.create(address, 64);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "admin-http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/healthz", exchange -> reply(exchange, 200, "ok\n"));
        http.createContext("/readyz", exchange -> {
            boolean ok = ready.getAsBoolean();
            reply(exchange, ok ? 200 : 503, ok ? "ready\n" : "not ready\n");
        });
        http.createContext("/metrics", exchange -> reply(exchange, 200, metrics.scrape(),
                "text/plain; version=0.0.4; charset=utf-8"));
        http.createContext("/explain", exchange -> explain(exchange, explainer));
        http.createContext("/status.json", exchange -> reply(exchange, 200, Json.write(status.get()),
                "application/json"));
        http.createContext("/status", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/status")) {
                reply(exchange, 404, "not found\n");
                return;
            }
            reply(exchange, 200, StatusPage.html(status.get()), "text/html; charset=utf-8");
        });
        http.start();
    }

    private static void explain(HttpExchange exchange, Explainer explainer) throws IOException {
        Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
        String ip = params.get("ip");
        String name = params.get("name");
        if (ip == null || name == null) {
            reply(exchange, 400, "usage: /explain?ip=ADDR&name=NAME[&type=A]\n");
            return;
        }
        try {
            InetAddress client = Explainer.address(ip);
            Map<String, Object> result = explainer.explain(client, name, params.getOrDefault("type", "A"));
            reply(exchange, 200, Json.write(result), "application/json");
        } catch (IllegalArgumentException e) {
            reply(exchange, 400, e.getMessage() + "\n");
        } catch (RuntimeException | InternalError e) {
            // An InternalError is the JVM reporting a fault in a mapped GeoIP file cut short under us (the reload
            // poll drops such a DB within 2 s): answer, or the exchange would hang unanswered.
            reply(exchange, 500, "explain failed: " + e + "\n");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        reply(exchange, status, body, "text/plain; charset=utf-8");
    }

    private static void reply(HttpExchange exchange, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
