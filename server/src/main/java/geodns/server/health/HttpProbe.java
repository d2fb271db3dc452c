package geodns.server.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 GET of {@code url} (with {@code host} as Host header when set) that reads only the status line,
 * succeeding on a status in [expectFrom, expectTo]. A plain socket rather than a general HTTP client: a probe
 * costs tens of microseconds of CPU instead of milliseconds, which matters on a Raspberry Pi probing every node
 * of the cluster every second.
 */
public record HttpProbe(URI url, String host, int expectFrom, int expectTo, boolean insecure) implements Probe {
    private static final SSLSocketFactory VERIFYING = (SSLSocketFactory) SSLSocketFactory.getDefault();
    private static final SSLSocketFactory TRUSTING = TrustAll.context().getSocketFactory();

    @Override
    public Result check(Duration timeout) {
        long start = System.nanoTime();
        int status = -1;
        String failure = null;
        try {
            status = get(start + timeout.toNanos());
        } catch (SocketTimeoutException e) {
            failure = "timeout";
        } catch (java.net.ConnectException e) {
            failure = "connection refused";
        } catch (IOException | RuntimeException e) {
            failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        boolean ok = status >= expectFrom && status <= expectTo;
        return new Result(ok, failure != null ? failure : "HTTP " + status,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private int get(long deadline) throws IOException {
        boolean https = "https".equals(url.getScheme());
        String address = TcpProbe.host(url);
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        String hostHeader = host != null ? host : url.getRawAuthority();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
            Socket channel = https ? tls(socket, address, port, hostHeader, insecure, deadline) : socket;
            socket.setSoTimeout(remainingMillis(deadline));
            OutputStream out = channel.getOutputStream();
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
            out.write(("GET " + path + query + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nUser-Agent: geodns-health\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return status(channel.getInputStream(), socket, deadline);
        }
    }

    /** TLS with SNI: the Host header's name when set (Traefik routes TLS by SNI), else the URL's host. */
    private static Socket tls(Socket plain, String host, int port, String hostHeader, boolean insecure,
                              long deadline) throws IOException {
        SSLSocket tls = (SSLSocket) (insecure ? TRUSTING : VERIFYING).createSocket(plain, host, port, true);
        SSLParameters params = tls.getSSLParameters();
        String serverName = hostHeader.replaceFirst(":\\d+$", "");
        if (!serverName.isEmpty() && !serverName.startsWith("[") && !serverName.matches("[0-9.]+")) {
            params.setServerNames(List.of(new SNIHostName(serverName)));
        }
        if (!insecure) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        tls.setSSLParameters(params);
        plain.setSoTimeout(remainingMillis(deadline));
        tls.startHandshake();
        return tls;
    }

    /** Reads "HTTP/1.x NNN" byte by byte: the first line is all a probe needs. */
    private static int status(InputStream in, Socket socket, long deadline) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < 64) {
            socket.setSoTimeout(remainingMillis(deadline));
            int b = in.read();
            if (b < 0 || b == '\n') {
                break;
            }
            line.append((char) b);
        }
        String[] parts = line.toString().trim().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[0-9]{3}")) {
            throw new IOException("not an HTTP response: '" + line.toString().trim() + "'");
        }
        return Integer.parseInt(parts[1]);
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("deadline");
        }
        return (int) left;
    }
}
