package geodns.e2e.support;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** A JDK HTTP server on one test address, its handler on daemon threads: what each stand-in endpoint runs. */
final class HttpListener {
    private final HttpServer server;
    private final ExecutorService executor;

    private HttpListener(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @param threads handler threads; 0: one for each request in progress (an endpoint that hangs needs that) */
    static HttpListener start(String address, int port, String threadName, int threads, HttpHandler handler)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(GeoWorld.address(address), port), 50);
        ThreadFactory daemons = r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        };
        ExecutorService executor = threads == 0 ? Executors.newCachedThreadPool(daemons)
                : Executors.newFixedThreadPool(threads, daemons);
        http.setExecutor(executor);
        http.createContext("/", handler);
        http.start();
        return new HttpListener(http, executor);
    }

    void stop() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
