package geodns.e2e.support;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A geodns peer as docs/operations.md ("Shared health") describes one, written from the docs, not from the
 * server's code: answers {@code GET /peer/view?nonce=N} with a view of the verdicts it is given, signed with
 * HMAC-SHA256 of a secret over the body. It can also misbehave in each way a fetcher must survive: sign with
 * the wrong secret, send an old time, replay an answer made for another request, send garbage (signed) or more
 * than the fetcher reads.
 */
public final class PeerStandIn implements AutoCloseable {
    public enum Mode {
        /** A view as a real peer sends it. */
        GENUINE,
        /** Signed with another secret. */
        FORGED,
        /** Signed, the nonce asked for, but sent (it says) an hour ago. */
        STALE,
        /** A genuine answer recorded for another request (another nonce), played again. */
        REPLAYED,
        /** Correctly signed bytes that are not a view. */
        GARBAGE,
        /** A genuine view padded past 256 KiB. */
        OVERSIZED,
        /** 503, as a peer that is down behind a proxy: no view at all. */
        SILENT
    }

    private static final Pattern NONCE = Pattern.compile("(?:^|&)nonce=([^&]*)");

    private final String instance;
    private final byte[] secret;
    private final HttpListener listener;
    private final String address;
    private final int port;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Mode mode = Mode.GENUINE;
    private volatile Map<String, Boolean> verdicts = Map.of();
    private volatile String recorded;

    private PeerStandIn(String instance, byte[] secret, String address, int port) throws IOException {
        this.instance = instance;
        this.secret = secret.clone();
        this.address = address;
        this.port = port;
        this.listener = HttpListener.start(address, port, "peer-" + instance, 2, this::handle);
    }

    /** A stand-in called {@code instance} on a free port of {@code address}, signing with {@code secret}. */
    public static PeerStandIn start(String instance, String secret, String address) {
        try {
            return new PeerStandIn(instance, secret.getBytes(StandardCharsets.UTF_8), address,
                    GeodnsServer.freePort(GeoWorld.address(address), false));
        } catch (IOException e) {
            throw new AssertionError("cannot start the stand-in peer " + instance + ": " + e, e);
        }
    }

    /** Its admin base URL, as a peers: list names it. */
    public String url() {
        return "http://" + address + ":" + port;
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    /** What its view says of each node (node -> up). */
    public void says(Map<String, Boolean> verdicts) {
        this.verdicts = Map.copyOf(verdicts);
    }

    /** Requests for its view so far. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            Matcher m = NONCE.matcher(query == null ? "" : query);
            if (!"/peer/view".equals(exchange.getRequestURI().getPath()) || !m.find()) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (mode == Mode.SILENT) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            String nonce = m.group(1);
            long now = System.currentTimeMillis();
            String body;
            String signature;
            switch (mode) {
                case FORGED -> {
                    body = view(nonce, now, "");
                    signature = sign("another secret of 32 bytes......".getBytes(StandardCharsets.UTF_8), body);
                }
                case STALE -> {
                    body = view(nonce, now - 3_600_000, "");
                    signature = sign(secret, body);
                }
                case REPLAYED -> {
                    if (recorded == null) {
                        recorded = view("0123456789abcdef0123456789abcdef", now, "");
                    }
                    body = recorded;
                    signature = sign(secret, body);
                }
                case GARBAGE -> {
                    body = "\u0000garbage{{{" + nonce;
                    signature = sign(secret, body);
                }
                case OVERSIZED -> {
                    body = view(nonce, now, ",\"padding\":\"" + "x".repeat(300 << 10) + "\"");
                    signature = sign(secret, body);
                }
                default -> {
                    body = view(nonce, now, "");
                    signature = sign(secret, body);
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Geodns-Signature", signature);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException closedByTheFetcher) {
            // the fetcher gave up (its cap or its timeout)
        }
    }

    private String view(String nonce, long timeMillis, String extra) {
        StringBuilder nodes = new StringBuilder();
        new TreeMap<>(verdicts).forEach((node, up) -> nodes.append(nodes.length() == 0 ? "" : ",")
                .append('"').append(node).append("\":{\"up\":").append(up).append(",\"streak\":5,\"last_ok\":")
                .append(up).append(",\"last_result\":\"").append(up ? "HTTP 200" : "timeout")
                .append("\",\"latency_ms\":").append(up ? "1.5" : "null").append(",\"when_ms\":")
                .append(timeMillis - 100).append('}'));
        return "{\"geodns_view\":1,\"instance\":\"" + instance + "\",\"time_ms\":" + timeMillis + ",\"nonce\":\""
                + nonce + "\",\"nodes\":{" + nodes + "}" + extra + "}";
    }

    private static String sign(byte[] key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        listener.stop();
    }
}
