package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import geodns.server.health.ShareConfig;
import geodns.server.testing.Dns;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** geo.yaml's health: share: what it reads, and each mistake at its line, all of them at once. */
class ShareConfigTest extends GeoConfigFolder {
    private static final String SECRET = "0123456789abcdef0123456789abcdef\n";
    private static final String SHARED = """
            health:
              url: "http://{ip}:8080/ping"
              share:
            %s
            locations:
              london:
                coordinates: [51.507, -0.128]
                nodes:
                  lon-1: { ipv4: 192.0.2.11 }
                  lon-2: { ipv6: "2001:db8::12" }
              frankfurt:
                coordinates: [50.110, 8.682]
                nodes:
                  fra-1: { ipv4: 192.0.2.21 }
            """;

    private ShareConfig read(String share) {
        Dns.write(dir, "peers.secret", SECRET);
        geo(SHARED.formatted(share));
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        return read.sources().share();
    }

    @Test
    void theTemplateGivesOnePeerPerNodeNamedAfterIt() {
        ShareConfig share = read("""
                    secret-file: peers.secret
                    peers: "http://{ip}:8053"
                """);
        assertTrue(share.on());
        assertEquals(List.of(new ShareConfig.Peer("lon-1", URI.create("http://192.0.2.11:8053")),
                new ShareConfig.Peer("lon-2", URI.create("http://[2001:db8:0:0:0:0:0:12]:8053")),
                new ShareConfig.Peer("fra-1", URI.create("http://192.0.2.21:8053"))), share.peers());
        assertEquals(List.of("lon-2", "fra-1"), share.others("lon-1").stream().map(ShareConfig.Peer::name).toList(),
                "the instance's own node is not a peer");
        assertEquals(Duration.ofSeconds(5), share.interval());
        assertEquals(3, share.fresh());
    }

    @Test
    void aListGivesItsUrlsWithTheIntervalAndFreshness() {
        ShareConfig share = read("""
                    secret-file: peers.secret
                    peers: ["http://127.0.0.1:8101", "http://127.0.0.1:8102/"]
                    interval: 2s
                    fresh: 4
                """);
        assertEquals(2, share.others("anyone").size());
        assertEquals(Duration.ofSeconds(8), share.window());
    }

    @Test
    void withoutASecretFileSharingIsOff() {
        assertFalse(read("""
                    peers: "http://{ip}:8053"
                """).on());
    }

    @Test
    void theSecretFileIsWatchedForReloads() {
        read("""
                    secret-file: peers.secret
                    peers: "http://{ip}:8053"
                """);
        assertTrue(Zones.read(dir).inputs().test(dir.resolve("peers.secret")));
    }

    @Test
    void aShortSecretIsAnErrorAtItsLineThatDoesNotShowIt() {
        Dns.write(dir, "peers.secret", "short-secret\n");
        String yaml = geo(SHARED.formatted("""
                    secret-file: peers.secret
                    peers: "http://{ip}:8053"
                """));
        ConfigError error = assertErrorAt(yaml, "secret-file", "peers.secret", "12 bytes", "at least 16");
        assertFalse(error.reason().contains("short-secret"), error.reason());
    }

    @Test
    void anEmptySecretIsAnError() {
        Dns.write(dir, "peers.secret", "\n");
        String yaml = geo(SHARED.formatted("""
                    secret-file: peers.secret
                    peers: "http://{ip}:8053"
                """));
        assertErrorAt(yaml, "secret-file", "empty");
    }

    @Test
    void aMissingSecretFileIsAnError() {
        String yaml = geo(SHARED.formatted("""
                    secret-file: nowhere.secret
                    peers: "http://{ip}:8053"
                """));
        assertErrorAt(yaml, "secret-file", "nowhere.secret", "no such file");
    }

    @Test
    void aSecretWithoutPeersIsAnError() {
        Dns.write(dir, "peers.secret", SECRET);
        String yaml = geo(SHARED.formatted("""
                    secret-file: peers.secret
                """));
        assertErrorAt(yaml, "share:", "peers");
    }

    @Test
    void anUnknownKeyIsAnError() {
        Dns.write(dir, "peers.secret", SECRET);
        String yaml = geo(SHARED.formatted("""
                    secret-file: peers.secret
                    peers: "http://{ip}:8053"
                    intervall: 2s
                """));
        assertErrorAt(yaml, "intervall", "unknown key 'intervall'");
    }

    @Test
    void everyMistakeIsReportedNotOnlyTheFirst() {
        String yaml = geo(SHARED.formatted("""
                    secret-file: nowhere.secret
                    peers: "ftp://{ip}"
                    interval: soon
                    fresh: 0
                """));
        Zones.Read read = Zones.read(dir);
        assertFalse(read.ok());
        assertEquals(List.of(lineOf(yaml, "secret-file"), lineOf(yaml, "peers:"), lineOf(yaml, "interval: soon"),
                lineOf(yaml, "fresh: 0")), read.errors().stream().map(ConfigError::line).toList(),
                () -> "errors: " + read.errors());
    }

    @Test
    void aTemplateThatNamesNoNodeIsAnError() {
        Dns.write(dir, "peers.secret", SECRET);
        String yaml = geo(SHARED.formatted("""
                    secret-file: peers.secret
                    peers: "http://10.0.0.1:8053"
                """));
        assertErrorAt(yaml, "peers:", "{ip}");
    }

    @Test
    void shareBelowALocationIsAnUnknownKey() {
        Dns.write(dir, "peers.secret", SECRET);
        String yaml = geo("""
                locations:
                  london:
                    coordinates: [51.507, -0.128]
                    health:
                      share: { secret-file: peers.secret }
                    nodes:
                      lon-1: { ipv4: 192.0.2.11 }
                """);
        assertErrorAt(yaml, "share:", "unknown key 'share'");
    }
}
