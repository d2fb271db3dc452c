package geodns.server.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A TCP connect: the node is up when its port accepts a connection within the timeout, which is then closed
 * without a byte sent (gdnsd's tcp_connect, HAProxy's plain {@code check}). For a port that speaks a protocol
 * geodns does not, such as Traefik's TLS passthrough.
 */
public record TcpProbe(String host, int port) implements Probe {
    /** The connect to a {@code tcp://host:port} URL. */
    public static TcpProbe to(java.net.URI url) {
        return new TcpProbe(host(url), url.getPort());
    }

    /** The URL's host as a socket takes it: an IPv6 literal without its brackets. */
    static String host(java.net.URI url) {
        String host = url.getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public Result check(Duration timeout) {
        long start = System.nanoTime();
        String detail;
        boolean ok = false;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            ok = true;
            detail = "connected";
        } catch (SocketTimeoutException e) {
            detail = "timeout";
        } catch (ConnectException e) {
            detail = "connection refused";
        } catch (IOException | RuntimeException e) {
            detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return new Result(ok, detail, Duration.ofNanos(System.nanoTime() - start));
    }
}
