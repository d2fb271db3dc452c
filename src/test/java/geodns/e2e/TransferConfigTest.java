package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Axfr;
import geodns.e2e.support.Cli;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * transfer.yaml through the real jar: {@code check} shows what is offered and reports mistakes as file:line; a
 * reload applies a changed allow-list, and a broken file on reload leaves the previous config serving.
 */
@ExtendWith(ServerLogOnFailure.class)
class TransferConfigTest {
    private static final int TYPE_AXFR = 252;
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);
    private static final String OPEN = """
            keys:
              secondary: { secret: "%s" }
            zones:
              example.com: { allow: [127.0.0.1/32], notify: ["127.0.0.1:5399"] }
            """.formatted(Axfr.SECRET);
    private static final String BAD_KEY = """
            zones:
              example.com:
                allow: [127.0.0.1/32]
                key: nosuchkey
            """;

    @TempDir
    Path dir;
    private GeodnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path zones(String transferYaml) throws IOException {
        Path zones = dir.resolve("zones");
        Files.createDirectories(zones);
        for (String file : List.of("example.com.zone", "geo.yaml")) {
            Files.copy(GeodnsServer.exampleZones().resolve(file), zones.resolve(file));
        }
        Files.writeString(zones.resolve("transfer.yaml"), transferYaml);
        return zones;
    }

    private int axfrRcode() {
        byte[] reply = Wire.exchange(Transport.TCP, server.dns(),
                RawQuery.query(0x5151, "example.com.", TYPE_AXFR).bytes());
        return Wire.rcode(reply);
    }

    @Test
    void checkSaysWhichZonesAreOfferedToWhom() throws IOException {
        Cli.Result result = Cli.run(60, "check", "--zones", zones(OPEN).toString());
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("transfer example.com to 127.0.0.1/32, notify 127.0.0.1:5399"),
                result::toString);
    }

    @Test
    void checkReportsAMistakeInTransferYamlWithFileAndLine() throws IOException {
        Cli.Result result = Cli.run(60, "check", "--zones", zones(BAD_KEY).toString());
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("transfer.yaml:4: key of zone example.com.: no key 'nosuchkey'"),
                result::toString);
    }

    @Test
    void aReloadAppliesAChangedAllowList() throws IOException {
        Path zones = zones(OPEN);
        server = GeodnsServer.start(zones);
        assertEquals(0, axfrRcode());
        ConfigFiles.replace(zones.resolve("transfer.yaml"), OPEN.replace("127.0.0.1/32", "192.0.2.0/24"));
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "AXFR refused once 127.0.0.1 left the allow-list",
                this::axfrRcode, rcode -> rcode == 5);
    }

    @Test
    void aBrokenTransferYamlOnReloadKeepsThePreviousConfigServing() throws IOException {
        Path zones = zones(OPEN);
        server = GeodnsServer.start(zones);
        ConfigFiles.replace(zones.resolve("transfer.yaml"), BAD_KEY);
        Signals.hangUp(server);
        Poll.until(RELOAD_WAIT, Duration.ofMillis(100), "the reload error in the log", server::log,
                log -> log.contains("transfer.yaml:4:") && log.contains("still serving the previous config"));
        assertEquals(0, axfrRcode(), "the old allow-list still serves");
        assertTrue(Axfr.dig(server.dns(), "example.com", "AXFR").complete());
    }
}
