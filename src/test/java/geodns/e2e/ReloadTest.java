package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Checks;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.Reply;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reload without a restart: SIGHUP, a zone file edited in place, a Kubernetes ConfigMap update (the {@code ..data}
 * link swapped), a new GeoIP file; and bad replacements that leave the old snapshot serving with a
 * {@code file:line: reason} log line. Each test has a server of its own on files of its own.
 */
@ExtendWith(ServerLogOnFailure.class)
class ReloadTest {
    private static final String OLD_SERIAL = "2026112301";
    private static final String NEW_SERIAL = "2026112302";
    private static final String OLD_WWW = "192.0.2.80";
    private static final String NEW_WWW = "192.0.2.81";
    /** The watcher looks every 2 s; a change must be served within this. */
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(5);
    private static final Duration SIGNAL_WAIT = Duration.ofSeconds(10);
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

    private static String zone() {
        return GeoWorld.exampleZoneWithoutApp();
    }

    /** The example zone with the new serial and www at 192.0.2.81: the same length as {@link #zone()}. */
    private static String changedZone() {
        String changed = zone().replace(OLD_SERIAL, NEW_SERIAL).replace(OLD_WWW + "\n", NEW_WWW + "\n");
        if (changed.length() != zone().length() || !changed.contains(NEW_WWW)) {
            throw new IllegalStateException("the example zone changed shape; fix changedZone()");
        }
        return changed;
    }

    /** The zone with a line appended that cannot load; returns that line's number in {@code line[0]}. */
    private static String brokenZone(String base, String badLine, int[] line) {
        line[0] = (int) base.chars().filter(c -> c == '\n').count() + 1;
        return base + badLine + "\n";
    }

    private Path startOn(Path zones, String... extraArgs) {
        server = GeodnsServer.start(zones, extraArgs);
        return zones;
    }

    private Path plainZones() {
        return GeoWorld.writeZones(dir.resolve("zones"), zone(), GeoServer.GEO_YAML);
    }

    private String www() {
        Reply reply = Via.DNSJAVA_UDP.ask(server, Ask.of("www.example.com", "A"));
        Checks.rcode(reply, "NOERROR");
        return String.join(",", GeoWorld.addresses(reply, "A"));
    }

    private String serial() {
        Reply reply = Via.DNSJAVA_UDP.ask(server, Ask.of("example.com", "SOA"));
        Checks.rcode(reply, "NOERROR");
        return reply.answer().get(0).data().split(" ")[2];
    }

    private void awaitServed(Duration within, String what, String www, String serial) {
        Poll.until(within, STEP, what + ": www " + www + ", serial " + serial, () -> www() + " " + serial(),
                (www + " " + serial)::equals);
    }

    // ------------------------------------------------------------------------------------------ triggers

    @Test
    void sighupReloadsAChangedZone() {
        Path zones = startOn(plainZones());
        assertEquals(OLD_WWW, www());
        // Same size and modification time (the poll sees the change time too, within 2 s; the signal at once).
        ConfigFiles.rewriteUnnoticeably(zones.resolve("example.com.zone"), changedZone());
        Signals.hangUp(server);
        awaitServed(SIGNAL_WAIT, "after SIGHUP", NEW_WWW, NEW_SERIAL);
    }

    @Test
    void aZoneFileEditedInPlaceIsServedWithinFiveSecondsWithoutASignal() throws IOException {
        Path zones = startOn(plainZones());
        assertEquals(OLD_SERIAL, serial());
        Files.writeString(zones.resolve("example.com.zone"), changedZone() + "; edited\n", StandardCharsets.UTF_8);
        awaitServed(NOTICED_WITHIN, "after an edit, no signal", NEW_WWW, NEW_SERIAL);
    }

    @Test
    void anEditedIncludedFileIsServedWithinFiveSecondsWithoutASignal() throws IOException {
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), zone().replace("www ", "; www ")
                + "$INCLUDE hosts/www.inc\n", GeoServer.GEO_YAML);
        Files.createDirectories(zones.resolve("hosts"));
        ConfigFiles.replace(zones.resolve("hosts/www.inc"), "www 300 IN A " + OLD_WWW + "\n");
        startOn(zones);
        assertEquals(OLD_WWW, www());
        ConfigFiles.replace(zones.resolve("hosts/www.inc"), "www 300 IN A " + NEW_WWW + "\n");
        awaitServed(NOTICED_WITHIN, "after an edit of the included file, no signal", NEW_WWW, OLD_SERIAL);
    }

    @Test
    void aFileTheServerDoesNotReadIsWrittenIntoTheZonesFolderWithoutAReload() throws IOException {
        Path zones = startOn(plainZones());
        Path log = zones.resolve("geodns.log");
        // Two and a half of the watcher's periods of a log growing beside the zones, as a careless -v > zones/... does.
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (int line = 0; System.nanoTime() < end; line++) {
            Files.writeString(log, "line " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Poll.sleep(200);
        }
        Files.writeString(zones.resolve("example.com.zone"), changedZone() + "; edited\n", StandardCharsets.UTF_8);
        awaitServed(NOTICED_WITHIN, "after an edit, no signal", NEW_WWW, NEW_SERIAL);
        assertEquals(1, Pattern.compile("noticed: reloading").matcher(server.log()).results().count(),
                () -> "one reload, for the zone's edit, none for the log:\n" + server.log());
    }

    @Test
    void aConfigMapUpdateIsServedWithinFiveSecondsWithoutASignal() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("example.com.zone", zone());
        files.put("geo.yaml", GeoServer.GEO_YAML);
        Path volume = ConfigFiles.configMap(dir.resolve("config-volume"), files);
        startOn(volume);
        assertEquals(OLD_WWW, www());
        files.put("example.com.zone", changedZone());
        ConfigFiles.updateConfigMap(volume, files);
        awaitServed(NOTICED_WITHIN, "after the ..data swap, no signal", NEW_WWW, NEW_SERIAL);
    }

    @Test
    void aReplacedGeoipFileChangesDecisionsWithinFiveSecondsWithoutASignal() throws IOException {
        String moving = "127.50.0.0/16";
        Path mmdb = GeoWorld.database().add(moving, GeoWorld.city(GeoWorld.SYDNEY)).write(dir.resolve("geo.mmdb"));
        startOn(plainZones(), "--geoip", mmdb.toString());
        GeoQuery query = GeoQuery.of("app.example.com", "A").subnet("127.50.1.0/24");
        assertEquals(GeoWorld.SINGAPORE.ipv4(), GeoWorld.addresses(query.ask(Via.DNSJAVA_UDP, server).reply(), "A"),
                "127.50.0.0/16 in Sydney: singapore");
        // Written as geoipupdate does: a new file renamed over the old one.
        GeoWorld.database().add(moving, GeoWorld.city(GeoWorld.MADRID)).write(mmdb);
        Poll.until(NOTICED_WITHIN, STEP, "127.50.1.0/24 answered from london (Madrid) after the DB was replaced",
                () -> GeoWorld.addresses(query.ask(Via.DNSJAVA_UDP, server).reply(), "A"),
                GeoWorld.LONDON.ipv4()::equals);
    }

    // ------------------------------------------------------------------------------------------ bad replacements

    @Test
    void aBrokenZoneKeepsTheOldAnswersAndLogsFileLineReason() {
        Path zones = startOn(plainZones());
        int[] line = new int[1];
        ConfigFiles.replace(zones.resolve("example.com.zone"),
                brokenZone(changedZone(), "broken IN A 192.0.2.300", line));
        Signals.hangUp(server);
        Poll.until(SIGNAL_WAIT, STEP, "a log line saying the reload failed", server::log,
                log -> log.contains("example.com.zone:" + line[0] + ": "));
        String logLine = server.log().lines().filter(l -> l.contains("example.com.zone:" + line[0] + ": "))
                .findFirst().orElseThrow();
        assertTrue(logLine.matches(".*" + Pattern.quote(zones.resolve("example.com.zone").toString()) + ":" + line[0] + ": \\S.*"),
                () -> "file:line: reason in '" + logLine + "'");
        assertEquals(OLD_WWW, www(), "old www still served");
        assertEquals(OLD_SERIAL, serial(), "old serial still served");
        Set<String> app = GeoWorld.addresses(GeoQuery.of("app.example.com", "A").subnet(GeoWorld.MADRID.subnet())
                .ask(Via.DNSJAVA_UDP, server).reply(), "A");
        assertEquals(GeoWorld.SINGAPORE.ipv4(), app, "the geo name still answered (no GeoIP DB: unknown order)");
    }

    static Stream<Arguments> syntaxErrors() {
        return Stream.of(
                Arguments.of("an address missing", "oops IN A"),
                Arguments.of("an unterminated quoted string", "oops 300 IN TXT \"unterminated"),
                Arguments.of("an unclosed parenthesis", "oops IN ( A 192.0.2.7"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syntaxErrors")
    void aZoneWithASyntaxErrorKeepsTheOldAnswersAndIsLoggedAtItsLine(String what, String badLine) {
        Path zones = startOn(plainZones());
        int[] line = new int[1];
        ConfigFiles.replace(zones.resolve("example.com.zone"), brokenZone(changedZone(), badLine, line));
        Signals.hangUp(server);
        String log = Poll.until(SIGNAL_WAIT, STEP, "the reload done (failed or not)", server::log,
                l -> l.contains("reload failed") || l.contains("reloaded"));
        assertTrue(log.contains("reload failed"), () -> "a zone with " + what + " on line " + line[0]
                + " (" + badLine + ") must not load:\n" + log);
        assertTrue(log.contains("example.com.zone:" + line[0] + ": "), () -> "the error at line " + line[0]
                + " (" + badLine + "), as file:line: reason:\n" + log);
        assertEquals(OLD_WWW, www(), "old www still served");
        assertEquals(OLD_SERIAL, serial(), "old serial still served");
    }

    @Test
    void aZoneOfMillionsOfRecordsIsRefusedOnReloadNamingTheLimitAndTheOldAnswersStay() {
        Path zones = startOn(plainZones());
        int[] line = new int[1];
        ConfigFiles.replace(zones.resolve("example.com.zone"),
                brokenZone(changedZone(), "$GENERATE 1-50000000 host-$ A 192.0.2.9", line));
        Signals.hangUp(server);
        String log = Poll.until(SIGNAL_WAIT, STEP, "the reload done (failed or not)", server::log,
                l -> l.contains("reload failed") || l.contains("reloaded"));
        assertTrue(log.contains("example.com.zone:" + line[0] + ": more than 50000 records in the zones folder"
                + " (the limit; --max-records raises it)"), () -> "the limit named at the $GENERATE line:\n" + log);
        assertTrue(server.isAlive(), "the server is still running");
        assertEquals(OLD_WWW, www(), "old www still served");
        assertEquals(OLD_SERIAL, serial(), "old serial still served");
    }

    @Test
    void aBrokenGeoConfigKeepsTheOldAnswersAndLogsFileLineReason() {
        Path zones = startOn(plainZones());
        // Line 1 of geo.yaml: an unknown top-level key. Broken first, so no reload can see the new zone alone.
        ConfigFiles.replace(zones.resolve("geo.yaml"), "colour: blue\n" + GeoServer.GEO_YAML);
        ConfigFiles.replace(zones.resolve("example.com.zone"), changedZone());
        Signals.hangUp(server);
        Poll.until(SIGNAL_WAIT, STEP, "a log line naming geo.yaml:1", server::log,
                log -> log.contains("geo.yaml:1: "));
        assertEquals(OLD_WWW, www(), "the zone is not half-taken: old www still served");
        assertEquals(OLD_SERIAL, serial(), "old serial still served");
    }

    @Test
    void aFixedZoneIsServedWithoutASignalAfterAFailedReload() {
        Path zones = startOn(plainZones());
        Path zoneFile = zones.resolve("example.com.zone");
        ConfigFiles.replace(zoneFile, brokenZone(changedZone(), "broken IN A 192.0.2.300", new int[1]));
        Poll.until(NOTICED_WITHIN, STEP, "the broken zone noticed and refused", server::log,
                log -> log.contains("reload failed"));
        assertEquals(OLD_WWW, www(), "old www while the file is broken");
        ConfigFiles.replace(zoneFile, changedZone());
        awaitServed(NOTICED_WITHIN, "the fixed zone, no signal", NEW_WWW, NEW_SERIAL);
    }
}
