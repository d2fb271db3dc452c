package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.Cli;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links in a zones folder shaped like a Kubernetes ConfigMap volume ({@code geo.yaml -> ..data/geo.yaml},
 * {@code ..data -> ..2026_12_07_00_00_00.123}). A link that cannot be followed is an error at check, start and
 * reload, with the old snapshot serving, never a file that is absent (which would drop every geo name, or the
 * zone, "ok"). The kubelet's swap of {@code ..data} still reloads cleanly.
 */
@ExtendWith(ServerLogOnFailure.class)
class UnfollowableLinksTest {
    private static final Duration WITHIN_A_POLL = Duration.ofSeconds(6);
    private static final Duration STEP = Duration.ofMillis(100);
    private static final String UNKNOWN_CLIENT = "10.1.2.0/24";

    @TempDir
    Path dir;
    private GeodnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Map<String, String> files(String geoYaml) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("example.com.zone", GeoWorld.exampleZoneWithoutApp());
        files.put("geo.yaml", geoYaml);
        return files;
    }

    /** Points the volume's {@code name} at {@code target} in one rename, as a tool that re-links would. */
    private static void relink(Path volume, String name, String target) throws IOException {
        Path tmp = volume.resolve(".." + name + ".tmp");
        Files.createSymbolicLink(tmp, Path.of(target));
        Files.move(tmp, volume.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String appFromUnknownClient() {
        GeoQuery.Result r = GeoQuery.of("app.example.com", "A").subnet(UNKNOWN_CLIENT).ask(Via.DNSJAVA_UDP, server);
        GeoWorld.Location l = GeoWorld.locationWithExactly(GeoWorld.addresses(r.reply(), "A"), "A");
        assertTrue(r.reply().rcode().equals("NOERROR") && l != null, () -> "app.example.com A: " + r);
        return l.name();
    }

    private Map<String, Object> lastLoad() {
        return MiniJson.asObject(MiniJson.object(AdminHttp.ok(server, "/status.json")).get("last_load"));
    }

    @Test
    void checkReportsADanglingGeoConfigLink() throws IOException {
        Path volume = ConfigFiles.configMap(dir.resolve("zones"), files(GeoServer.GEO_YAML));
        relink(volume, "geo.yaml", "..data/geo.yml");
        Cli.Result result = Cli.run(60, "check", "--zones", volume.toString());
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains(volume.resolve("geo.yaml")
                + ": a link to ..data/geo.yml, which does not exist"), result::toString);
    }

    @Test
    void serveRefusesToStartOnALoopingZoneFileLink() throws IOException {
        Path volume = ConfigFiles.configMap(dir.resolve("zones"), files(GeoServer.GEO_YAML));
        Files.createSymbolicLink(volume.resolve("example.net.zone"), Path.of("example.net.zone"));
        int dns = GeodnsServer.freePort(GeodnsServer.LOOPBACK, true);
        int http = GeodnsServer.freePort(GeodnsServer.LOOPBACK, false);
        Cli.Result result = Cli.run(60, "serve", "--zones", volume.toString(), "--dns", "127.0.0.1:" + dns,
                "--http", "127.0.0.1:" + http);
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains(volume.resolve("example.net.zone") + ": a link that cannot be followed"),
                result::toString);
    }

    @Test
    void aReloadThatMeetsADanglingGeoConfigLinkFailsAndKeepsTheGeoNames() throws IOException {
        Path volume = ConfigFiles.configMap(dir.resolve("zones"), files(GeoServer.GEO_YAML));
        server = GeodnsServer.start(volume);
        assertEquals("singapore", appFromUnknownClient());

        relink(volume, "geo.yaml", "..data/geo.yml");
        Map<String, Object> load = Poll.until(WITHIN_A_POLL, STEP, "a failed reload", this::lastLoad,
                l -> Boolean.FALSE.equals(l.get("ok")));
        assertEquals(List.of(volume.resolve("geo.yaml") + ": a link to ..data/geo.yml, which does not exist"),
                load.get("errors"));
        assertEquals("singapore", appFromUnknownClient(), "the geo name is still served");
    }

    @Test
    void aConfigMapSwapOfTheGeoConfigReloadsCleanly() {
        Path volume = ConfigFiles.configMap(dir.resolve("zones"), files(GeoServer.GEO_YAML));
        server = GeodnsServer.start(volume);
        assertEquals("singapore", appFromUnknownClient());

        ConfigFiles.updateConfigMap(volume, files(GeoServer.GEO_YAML.replace(
                "unknown: [singapore, frankfurt, london, seattle]", "unknown: [london, frankfurt, singapore, seattle]")));
        Poll.until(WITHIN_A_POLL, STEP, "app's new unknown order (london first)", this::appFromUnknownClient,
                "london"::equals);
        assertEquals(true, lastLoad().get("ok"));
        assertEquals(0, PromScrape.of(server).find("geodns_reloads_total", "result", "failed").orElse(0));
    }
}
