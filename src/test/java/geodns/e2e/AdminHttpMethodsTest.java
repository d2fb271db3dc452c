package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.RawHttp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin port answers GET and HEAD only, HEAD as GET without the body, and every answer says nosniff. */
@ExtendWith(ExampleServer.class)
class AdminHttpMethodsTest {
    private static final List<String> PATHS = List.of("/healthz", "/readyz", "/metrics", "/status", "/status.json",
            "/explain?ip=81.2.69.1&name=app.example.com");

    @Test
    void methodsOtherThanGetAndHeadAre405WithAllow(GeodnsServer server) {
        for (String method : List.of("DELETE", "POST", "PUT", "PATCH", "OPTIONS")) {
            for (String path : List.of("/metrics", "/healthz", "/status")) {
                RawHttp.Response r = RawHttp.exchange(server.http(), method + " " + path
                        + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 5000);
                assertEquals(405, r.status(), () -> method + " " + path + ": " + r);
                assertEquals("GET, HEAD", r.header("Allow"), () -> method + " " + path + ": " + r);
            }
        }
    }

    @Test
    void headAnswersAsGetDoesWithoutTheBodyAndWithoutAWarning(GeodnsServer server) {
        for (String path : PATHS) {
            RawHttp.Response get = RawHttp.get(server.http(), "GET", path, 5000);
            RawHttp.Response head = RawHttp.get(server.http(), "HEAD", path, 5000);
            assertEquals(get.status(), head.status(), path);
            assertEquals(get.header("Content-Type"), head.header("Content-Type"), path);
            assertEquals("", head.body(), () -> "HEAD " + path + " has no body: " + head);
            if (!path.startsWith("/metrics") && !path.startsWith("/status")) {   // those change between requests
                assertEquals(get.header("Content-Length"), head.header("Content-Length"), path);
            }
        }
        String log = server.log();
        assertFalse(log.contains("WARNING") || log.contains("HEAD request"), () -> "HEAD left a warning:\n" + log);
    }

    @Test
    void everyResponseSaysNosniff(GeodnsServer server) {
        for (String path : List.of("/healthz", "/readyz", "/metrics", "/status", "/status.json",
                "/explain?ip=81.2.69.1&name=app.example.com", "/explain", "/nothing-here")) {
            RawHttp.Response r = RawHttp.get(server.http(), "GET", path, 5000);
            assertEquals("nosniff", r.header("X-Content-Type-Options"), () -> path + ": " + r);
        }
        RawHttp.Response refused = RawHttp.get(server.http(), "DELETE", "/metrics", 5000);
        assertEquals("nosniff", refused.header("X-Content-Type-Options"), () -> "405: " + refused);
    }
}
