package geodns.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.health.AdminState;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /admin-state} through the real admin handler: only POST, only from loopback, and what reaches the
 * change. (The end to end behaviour, from loopback, is AdminStateTest's.)
 */
class AdminStateRequestTest {
    private final List<String> changes = new ArrayList<>();
    private final AdminRoutes routes = new AdminRoutes().post("/admin-state", params -> AdminStateRequest.answer(params,
            (location, name, entry) -> {
                changes.add((location ? "location " : "node ") + name + " " + (entry == null ? "clear"
                        : entry.state().word + " " + entry.reason() + " " + (entry.until() != null)));
                return "ok\n";
            }));

    private FullHttpResponse ask(String from, HttpMethod method, String uri) {
        InetSocketAddress remote = new InetSocketAddress(from, 40000);
        EmbeddedChannel channel = new EmbeddedChannel() {
            @Override
            public SocketAddress remoteAddress() {
                return remote;
            }
        };
        channel.pipeline().addLast(new AdminHandler(routes, Runnable::run, 10));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER));
        channel.runPendingTasks();
        FullHttpResponse response = channel.readOutbound();
        channel.finishAndReleaseAll();
        return response;
    }

    private static String body(FullHttpResponse r) {
        return r.content().toString(StandardCharsets.UTF_8);
    }

    @Test
    void aChangeFromLoopbackReachesTheState() {
        FullHttpResponse r = ask("127.0.0.1", HttpMethod.POST, "/admin-state?node=lon-1&state=drain&reason=disk&for=2h");
        assertEquals(200, r.status().code(), body(r));
        assertEquals(List.of("node lon-1 drain disk true"), changes);
        assertEquals(200, ask("::1", HttpMethod.POST, "/admin-state?location=london&state=clear").status().code());
        assertEquals(List.of("node lon-1 drain disk true", "location london clear"), changes);
    }

    @Test
    void aChangeFromAnotherAddressIsRefused() {
        FullHttpResponse r = ask("192.0.2.7", HttpMethod.POST, "/admin-state?node=lon-1&state=drain");
        assertEquals(403, r.status().code());
        assertTrue(body(r).contains("loopback only"), body(r));
        assertEquals(List.of(), changes);
    }

    @Test
    void aChangeAskedWithGetIsRefusedWithAllowPost() {
        FullHttpResponse r = ask("127.0.0.1", HttpMethod.GET, "/admin-state?node=lon-1&state=drain");
        assertEquals(405, r.status().code());
        assertEquals("POST", r.headers().get("Allow"));
        assertEquals(List.of(), changes);
    }

    @Test
    void aRequestNamingNoneOrBothOrABadStateOrTimeIsRefused() {
        for (String query : List.of("state=drain", "node=a&location=b&state=drain", "node=a", "node=a&state=up",
                "node=a&state=drain&for=soon", "node=a&state=drain&until=tomorrow",
                "node=a&state=drain&for=1h&until=2030-01-01T00:00:00Z")) {
            assertEquals(400, ask("127.0.0.1", HttpMethod.POST, "/admin-state?" + query).status().code(), query);
        }
        assertEquals(List.of(), changes);
    }

    @Test
    void anEntryCarriesNoReasonUnlessGiven() {
        ask("127.0.0.1", HttpMethod.POST, "/admin-state?node=a&state=force-up");
        assertEquals(List.of("node a force-up null false"), changes);
        assertEquals(AdminState.State.FORCE_UP, AdminState.State.of("force-up"));
    }
}
