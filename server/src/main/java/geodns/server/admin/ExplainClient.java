package geodns.server.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code geodns explain --server}: the running server's /explain, asked over its admin port. A socket and a
 * dozen lines of HTTP/1.1, so that a second JVM in the server's pod loads no zones, DB or HTTP library: inside
 * a 192 MiB limit, a full load beside the server (95 MiB at its peak) could get the pod killed.
 */
public final class ExplainClient {
    private static final int TIMEOUT_MILLIS = 10_000;

    private ExplainClient() {}

    /** The answer: its HTTP status and body. */
    public record Answer(int status, String body) {}

    public static Answer ask(InetSocketAddress server, String address, String name, String type) throws IOException {
        String host = server.getAddress().getHostAddress();
        String path = "/explain?ip=" + encode(address) + "&name=" + encode(name) + "&type=" + encode(type)
                + "&format=text";
        try (Socket socket = new Socket()) {
            socket.connect(server, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + (host.contains(":") ? "[" + host + "]" : host)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readAll(socket.getInputStream());
            int end = response.indexOf("\r\n\r\n");
            String[] statusLine = response.substring(0, Math.max(end, 0)).split(" ", 3);
            if (end < 0 || statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer from " + host + ":" + server.getPort());
            }
            return new Answer(Integer.parseInt(statusLine[1]), response.substring(end + 4));
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
