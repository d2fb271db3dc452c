package geodns.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol on a loopback port: open a
 * page, evaluate JavaScript in it (layout included: {@code getBoundingClientRect} is what a person sees), take a
 * screenshot. Its own throw-away profile, no network but what the page asks for (no background fetches, no sync),
 * no sandbox (we are root); killed by PID on close.
 */
public final class Chromium implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration CALL = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private volatile WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    /** Starts Chromium with a {@code width} x {@code height} window and connects to its one tab. */
    public static Chromium start(int width, int height) {
        Path profile;
        try {
            profile = Files.createTempDirectory("geodns-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
        Process process;
        try {
            process = new ProcessBuilder(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-extensions", "--disable-sync",
                    "--disable-default-apps", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                    "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=" + port, "--remote-allow-origins=*",
                    "--window-size=" + width + "," + height, "about:blank"))
                    .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start chromium (Debian package chromium): " + e.getMessage(), e);
        }
        try {
            HttpClient http = HttpClient.newHttpClient();
            String tab = Poll.until(START, Duration.ofMillis(100), "chromium's DevTools endpoint on port " + port,
                    () -> pageSocket(http, port), url -> url != null);
            Chromium chromium = new Chromium(process, profile);
            chromium.socket = http.newWebSocketBuilder().buildAsync(URI.create(tab), chromium.new Listener())
                    .get(START.toSeconds(), TimeUnit.SECONDS);
            return chromium;
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException | Error e) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not come up: " + e + "\n" + log(profile), e);
        }
    }

    private static String pageSocket(HttpClient http, int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/json/list")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            for (Object target : MiniJson.asList(MiniJson.parse(r.body()))) {
                Map<String, Object> t = MiniJson.asObject(target);
                if ("page".equals(t.get("type")) && t.get("webSocketDebuggerUrl") != null) {
                    return (String) t.get("webSocketDebuggerUrl");
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Opens {@code url} and waits until it has loaded. */
    public void open(String url) {
        call("Page.enable", "{}");
        call("Page.navigate", "{\"url\":" + quote(url) + "}");
        Poll.until(CALL, Duration.ofMillis(50), "page " + url + " loaded",
                () -> evaluate("document.readyState === 'complete' && location.href"), url::equals);
    }

    /** The value of a JavaScript expression in the page, as JSON values ({@link MiniJson}). */
    public Object evaluate(String expression) {
        Map<String, Object> result = call("Runtime.evaluate", "{\"expression\":" + quote(expression)
                + ",\"returnByValue\":true,\"awaitPromise\":true}");
        Map<String, Object> inner = MiniJson.asObject(result.get("result"));
        if (result.get("exceptionDetails") != null) {
            throw new AssertionError("JavaScript failed: " + result.get("exceptionDetails") + "\nin: " + expression);
        }
        return inner.get("value");
    }

    /** A PNG of the whole page. */
    public byte[] screenshot() {
        Map<String, Object> result = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
        return Base64.getDecoder().decode((String) result.get("data"));
    }

    private Map<String, Object> call(String method, String params) {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true);
        try {
            Map<String, Object> reply = answer.get(CALL.toSeconds(), TimeUnit.SECONDS);
            if (reply.get("error") != null) {
                throw new AssertionError(method + " failed: " + reply.get("error"));
            }
            return MiniJson.asObject(reply.get("result"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(method + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(method + ": no answer from chromium: " + e + "\n" + log(profile), e);
        } finally {
            pending.remove(id);
        }
    }

    /** Replies by id; events (no id) are not needed. A message may come in parts. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                Map<String, Object> message = MiniJson.object(parts.toString());
                parts.setLength(0);
                if (message.get("id") instanceof Number id) {
                    CompletableFuture<Map<String, Object>> waiting = pending.get(id.intValue());
                    if (waiting != null) {
                        waiting.complete(message);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String log(Path profile) {
        try {
            return Files.readString(profile.resolve("chromium.log"));
        } catch (IOException e) {
            return "(no chromium log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
