package geodns.e2e.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET on a server's admin HTTP address, with the status, the Content-Type and the body as text. */
public final class AdminHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private AdminHttp() {
    }

    /** One response; {@code contentType} is "" when the header is missing. */
    public record Response(int status, String contentType, String body, String url) {
        @Override
        public String toString() {
            return url + " -> " + status + " (" + contentType + ")\n" + body;
        }
    }

    /** {@code GET path} (path and query, already encoded); fails when nothing answers within 5 s. */
    public static Response get(GeodnsServer server, String pathAndQuery) {
        return send(server, pathAndQuery, "GET");
    }

    /** {@code POST path} with an empty body (path and query, already encoded). */
    public static Response post(GeodnsServer server, String pathAndQuery) {
        return send(server, pathAndQuery, "POST");
    }

    private static Response send(GeodnsServer server, String pathAndQuery, String method) {
        String url = "http://" + server.http().getAddress().getHostAddress() + ":" + server.http().getPort()
                + pathAndQuery;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), url);
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + method + " " + url, e);
        }
    }

    /** {@code GET path}, which must answer 200; returns the body. */
    public static String ok(GeodnsServer server, String pathAndQuery) {
        Response r = get(server, pathAndQuery);
        if (r.status() != 200) {
            throw new AssertionError("expected 200: " + r);
        }
        return r.body();
    }
}
