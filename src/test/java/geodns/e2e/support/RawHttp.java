package geodns.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as written: for requests no client library sends (half of one,
 * odd methods) and for seeing the response exactly (HEAD must carry no body).
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A response: the status, the headers (names in lower case) and the body bytes that came before the close. */
    public record Response(int status, Map<String, String> headers, String body, long millis) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Sends {@code request} on a new connection and reads the response until the server closes it. */
    public static Response exchange(InetSocketAddress server, String request, int timeoutMillis) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(server, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String text = readAll(socket.getInputStream());
            long millis = (System.nanoTime() - start) / 1_000_000;
            return parse(text, millis);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no complete response within " + timeoutMillis + " ms to: " + request.trim());
        } catch (IOException e) {
            throw new AssertionError("HTTP to " + server + " failed: " + e, e);
        }
    }

    /** {@code GET path} with Connection: close; the time includes connecting. */
    public static Response get(InetSocketAddress server, String method, String path, int timeoutMillis) {
        return exchange(server, method + " " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
                timeoutMillis);
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static Response parse(String text, long millis) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0 || !text.startsWith("HTTP/1.")) {
            throw new AssertionError("not an HTTP response: '" + text + "'");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        return new Response(status, headers, text.substring(end + 4), millis);
    }
}
