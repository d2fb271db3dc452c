package geodns.server.admin;

import com.sun.net.httpserver.HttpExchange;
import geodns.server.metrics.Metrics;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** The admin HTTP port: liveness and readiness for Kubernetes probes, Prometheus metrics. Never on the DNS port. */
public final class AdminServer implements AutoCloseable {
    private final HttpServer http;

    public AdminServer(InetSocketAddress address, BooleanSupplier ready, Metrics metrics) throws IOException {
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
        http.start();
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
