package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import geodns.server.testing.Dns;
import geodns.server.transfer.Transfers;
import geodns.server.transfer.ZoneTransfer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * transfer.yaml: a good one becomes the zones offered and the keys; a mistake is rejected by {@link Zones#read}
 * with {@code transfer.yaml:<line>: reason}, the line found by a marker in the text.
 */
class TransferConfigTest {
    private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtMzItYnl0ZXMhIQ==";

    @TempDir
    Path dir;
    Path transferFile;

    @BeforeEach
    void zone() {
        Dns.write(dir, "example.com.zone", GeoConfigErrorsTest.ZONE);
    }

    private String transfer(String yaml) {
        transferFile = Dns.write(dir, "transfer.yaml", yaml);
        return yaml;
    }

    private static Name name(String text) {
        return Name.fromConstantString(text);
    }

    private ConfigError assertErrorAt(String yaml, String marker, String... words) {
        Zones.Read read = Zones.read(dir);
        assertFalse(read.ok(), "the folder must be rejected");
        assertEquals(1, read.errors().size(), () -> "errors: " + read.errors());
        ConfigError error = read.errors().get(0);
        assertEquals(transferFile.toString(), error.file(), () -> "error: " + error);
        assertEquals(GeoConfigErrorsTest.lineOf(yaml, marker), error.line(), () -> "error: " + error);
        for (String word : words) {
            assertTrue(error.reason().contains(word), () -> "'" + error.reason() + "' should mention '" + word + "'");
        }
        return error;
    }

    // ---- good files ----

    @Test
    void noFileOffersNoZone() {
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        assertNull(read.sources().transfers().zone(name("example.com.")));
    }

    @Test
    void aZoneWithAllowListKeyAndSecondariesIsOffered() throws Exception {
        transfer("""
                keys:
                  secondary: { algorithm: hmac-sha256, secret: "%s" }
                zones:
                  example.com:
                    allow: [127.0.0.1/32, "2001:db8::/32", 192.0.2.7]
                    key: secondary
                    notify: ["127.0.0.1:5301", "192.0.2.7", "[2001:db8::7]:5302", "2001:db8::8"]
                """.formatted(SECRET));
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        Transfers transfers = read.sources().transfers();
        ZoneTransfer zone = transfers.zone(name("example.com."));
        assertNotNull(zone);
        assertSame(transfers.key(name("secondary.")), zone.rules().key());
        assertTrue(zone.rules().allows(InetAddress.getByName("127.0.0.1")));
        assertTrue(zone.rules().allows(InetAddress.getByName("2001:db8:1::1")));
        assertTrue(zone.rules().allows(InetAddress.getByName("192.0.2.7")));
        assertFalse(zone.rules().allows(InetAddress.getByName("192.0.2.8")));
        assertFalse(zone.rules().allows(InetAddress.getByName("127.0.0.2")));
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 5301), new InetSocketAddress("192.0.2.7", 53),
                new InetSocketAddress("2001:db8::7", 5302), new InetSocketAddress("2001:db8::8", 53)),
                zone.rules().secondaries());
    }

    @Test
    void aSecretMayComeFromAFileBesideTheZones() {
        Dns.write(dir, "tsig.secret", SECRET + "\n");
        transfer("""
                keys:
                  secondary: { secret-file: tsig.secret }
                zones:
                  example.com: { allow: [127.0.0.1], key: secondary }
                """);
        Zones.Read read = Zones.read(dir);
        assertTrue(read.ok(), () -> "errors: " + read.errors());
        assertNotNull(read.sources().transfers().key(name("secondary.")));
    }

    // ---- mistakes ----

    @Test
    void aBadNetworkIsAnError() {
        String yaml = transfer("""
                zones:
                  example.com:
                    allow: [127.0.0.1/32, 10.0.0.0/33]   # here
                """);
        assertErrorAt(yaml, "# here", "10.0.0.0/33", "prefix");
    }

    @Test
    void aNetworkWithHostBitsIsAnError() {
        String yaml = transfer("""
                zones:
                  example.com: { allow: [192.0.2.1/24] }   # here
                """);
        assertErrorAt(yaml, "# here", "host bits");
    }

    @Test
    void aHostNameInTheAllowListIsAnError() {
        String yaml = transfer("""
                zones:
                  example.com: { allow: [secondary.example.net] }   # here
                """);
        assertErrorAt(yaml, "# here", "not an address");
    }

    @Test
    void anUnknownKeyIsAnError() {
        String yaml = transfer("""
                keys:
                  secondary: { secret: "%s" }
                zones:
                  example.com:
                    allow: [127.0.0.1]
                    key: secundary   # here
                """.formatted(SECRET));
        assertErrorAt(yaml, "# here", "secundary");
    }

    @Test
    void aZoneWeDoNotServeIsAnError() {
        String yaml = transfer("""
                zones:
                  example.com: { allow: [127.0.0.1] }
                  example.org: { allow: [127.0.0.1] }   # here
                """);
        assertErrorAt(yaml, "# here", "example.org", "not served");
    }

    @Test
    void aSecretThatIsNotBase64IsAnError() {
        String yaml = transfer("""
                keys:
                  secondary: { secret: "not base64!" }   # here
                """);
        assertErrorAt(yaml, "# here", "base64");
    }

    @Test
    void anUnsupportedAlgorithmIsAnError() {
        String yaml = transfer("""
                keys:
                  secondary: { algorithm: hmac-md5, secret: "%s" }   # here
                """.formatted(SECRET));
        assertErrorAt(yaml, "# here", "hmac-md5", "hmac-sha256");
    }

    @Test
    void aKeyWithBothSecretAndSecretFileIsAnError() {
        String yaml = transfer("""
                keys:
                  secondary: { secret: "%s", secret-file: x }   # here
                """.formatted(SECRET));
        assertErrorAt(yaml, "# here", "exactly one");
    }

    @Test
    void aMissingSecretFileIsAnError() {
        String yaml = transfer("""
                keys:
                  secondary: { secret-file: nowhere.secret }   # here
                """);
        assertErrorAt(yaml, "# here", "cannot read");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aSecretFileThatIsADeviceIsAnErrorNotReadUntilTheHeapIsGone() {
        String yaml = transfer("""
                keys:
                  secondary: { secret-file: /dev/zero }   # here
                """);
        assertErrorAt(yaml, "# here", "not a regular file");
    }

    @Test
    void aZoneWithoutAnAllowListIsAnError() {
        String yaml = transfer("""
                zones:
                  example.com: { notify: [127.0.0.1] }   # here
                """);
        assertErrorAt(yaml, "# here", "allow");
    }

    @Test
    void aBadNotifyTargetIsAnError() {
        String yaml = transfer("""
                zones:
                  example.com:
                    allow: [127.0.0.1]
                    notify: ["127.0.0.1:99999"]   # here
                """);
        assertErrorAt(yaml, "# here", "127.0.0.1:99999");
    }

    @Test
    void anUnknownSettingIsAnError() {
        String yaml = transfer("""
                zones:
                  example.com:
                    allow: [127.0.0.1]
                    notfy: [127.0.0.1]   # here
                """);
        assertErrorAt(yaml, "# here", "notfy");
    }
}
