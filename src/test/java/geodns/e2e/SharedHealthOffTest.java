package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PeerStandIn;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.SharingWorld;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Without a secret file, sharing is off: each instance decides alone, exactly as before. */
@ExtendWith(ServerLogOnFailure.class)
class SharedHealthOffTest {
    @TempDir
    Path dir;

    @Test
    void withoutASecretNothingIsFetchedNorPublished() {
        try (SharingWorld world = SharingWorld.start(dir);
             PeerStandIn peer = PeerStandIn.start("p1", SharingWorld.SECRET, "127.0.0.1")) {
            GeodnsServer a = world.instance("a", Set.of(), List.of("interval: 100ms",
                    "peers: [\"" + peer.url() + "\"]"));
            // Twenty share intervals' worth of this instance's own probes of sin-1 (every 200 ms).
            int before = world.web.requests("127.0.20.6");
            Poll.until(Duration.ofSeconds(20), Duration.ofMillis(50), "10 more probes of sin-1",
                    () -> world.web.requests("127.0.20.6") - before, n -> n >= 10);
            assertEquals(0, peer.requests(), "no peer was asked");
            assertEquals(404, AdminHttp.get(a, "/peer/view?nonce=0123456789abcdef").status());
            assertFalse(AdminHttp.ok(a, "/metrics").contains("geodns_peer_views"));
            assertFalse(AdminHttp.ok(a, "/status.json").contains("\"sharing\":{"));
        }
    }
}
