package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone whose records change while its serial does not is served here at once, but a secondary, which compares
 * serials, never transfers it: the reload says so in the log, in {@code geodns_zone_serial_stale{zone}} and in
 * {@code /status.json}'s zone, until the serial is raised.
 */
@ExtendWith(ServerLogOnFailure.class)
class ZoneSerialStaleTest {
    private static final String SERIAL = "2026112301";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration STEP = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private GeodnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String zone(String serial, String www) {
        return GeoWorld.exampleZoneWithoutApp().replace(SERIAL, serial).replace("192.0.2.80\n", www + "\n");
    }

    private Path start() {
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), zone(SERIAL, "192.0.2.80"), GeoServer.GEO_YAML);
        server = GeodnsServer.start(zones);
        return zones;
    }

    private boolean staleInStatus() {
        return MiniJson.asObjects(MiniJson.object(AdminHttp.ok(server, "/status.json")).get("zones")).stream()
                .filter(z -> "example.com".equals(z.get("name"))).map(z -> z.get("serial_stale"))
                .map(Boolean.TRUE::equals).findFirst().orElseThrow();
    }

    private double staleMetric() {
        return PromScrape.of(server).value("geodns_zone_serial_stale", "zone", "example.com");
    }

    private int reloadsOk() {
        return (int) PromScrape.of(server).sum("geodns_reloads_total", "result", "ok");
    }

    /** Replaces the zone file, sends SIGHUP, and waits for one more successful reload. */
    private void reloadWith(Path zones, String text) {
        int before = reloadsOk();
        ConfigFiles.replace(zones.resolve("example.com.zone"), text);
        Signals.hangUp(server);
        Poll.until(WAIT, STEP, "a reload after " + before, this::reloadsOk, n -> n > before);
    }

    @Test
    void aChangeWithoutANewSerialIsLoggedCountedAndShown() {
        Path zones = start();
        assertEquals(0.0, staleMetric(), "fresh");
        assertEquals(false, staleInStatus(), "fresh");
        reloadWith(zones, zone(SERIAL, "192.0.2.81"));
        assertEquals(1.0, staleMetric(), "geodns_zone_serial_stale after a change without a new serial");
        assertTrue(staleInStatus(), "serial_stale in /status.json");
        String log = server.log();
        assertTrue(log.contains("zone example.com: content changed but serial " + SERIAL + " did not"),
                () -> "the warning:\n" + log);
    }

    @Test
    void raisingTheSerialEndsIt() {
        Path zones = start();
        reloadWith(zones, zone(SERIAL, "192.0.2.81"));
        assertEquals(1.0, staleMetric(), "stale");
        reloadWith(zones, zone("2026112302", "192.0.2.81"));
        assertEquals(0.0, staleMetric(), "a new serial");
        assertEquals(false, staleInStatus(), "a new serial");
    }

    @Test
    void aReloadOfTheSameContentIsNoChange() {
        Path zones = start();
        reloadWith(zones, "; a comment and the same records\n" + zone(SERIAL, "192.0.2.80"));
        assertEquals(0.0, staleMetric(), "same records, reformatted");
        assertTrue(!server.log().contains("content changed"), () -> server.log());
    }
}
