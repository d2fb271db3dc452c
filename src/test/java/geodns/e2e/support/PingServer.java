package geodns.e2e.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a node's Traefik ping endpoint, run as a process of its own (inside a network namespace, see
 * {@link NetNamespaces}): {@code GET /ping} is 200, anything else 404. Prints {@value #READY} and the address once
 * it listens. Exits by itself after its lifetime (so that it can never outlive a test run by much), or when killed.
 *
 * <pre>{@code java -cp TEST_CLASSES geodns.e2e.support.PingServer ADDRESS PORT LIFETIME_SECONDS}</pre>
 */
public final class PingServer {
    public static final String READY = "ping: listening on ";

    private PingServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: PingServer ADDRESS PORT LIFETIME_SECONDS");
            System.exit(2);
        }
        InetAddress address = InetAddress.getByName(args[0]);   // a literal: no name lookup
        int port = Integer.parseInt(args[1]);
        long lifetimeSeconds = Long.parseLong(args[2]);

        Thread watchdog = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(lifetimeSeconds);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("ping: lifetime of " + lifetimeSeconds + " s over, exiting");
            System.exit(0);
        }, "lifetime");
        watchdog.setDaemon(true);
        watchdog.start();

        HttpServer server = bind(new InetSocketAddress(address, port));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                boolean ping = "/ping".equals(exchange.getRequestURI().getPath());
                byte[] body = (ping ? "OK\n" : "not found\n").getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(ping ? 200 : 404, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (IOException clientWentAway) {
                // the prober closed the connection first
            }
        });
        server.start();
        System.out.println(READY + args[0] + ":" + port);
        System.out.flush();
    }

    /** Binds, retrying for up to 10 s while the port is still held (e.g. by a predecessor that was just killed). */
    private static HttpServer bind(InetSocketAddress address) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return HttpServer.create(address, 50);
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }
}
