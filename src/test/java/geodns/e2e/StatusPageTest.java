package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ProbedWorld;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.WebEndpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /status} (a page a person reads at a glance: offline world map, nodes by health, zones, last load) and
 * {@code /status.json} (the same data). The server probes real endpoints ({@link ProbedWorld}); sea-2's endpoint
 * never runs, so sea-2 is down and Seattle half up, every other node up.
 */
@ExtendWith(ServerLogOnFailure.class)
class StatusPageTest {
    private static final String DOWN_NODE = "sea-2";
    private static final long SERIAL = 2026112301L;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static WebEndpoints web;
    static GeodnsServer server;
    static Path zoneFile;

    @BeforeAll
    static void start() {
        web = WebEndpoints.start(ProbedWorld.endpoints());
        web.stop(ProbedWorld.endpoint(DOWN_NODE));
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(),
                ProbedWorld.geoYaml(web.port()));
        zoneFile = zones.resolve("example.com.zone");
        server = GeodnsServer.start(zones);
        // Every node probed at least once, and sea-2 counted down.
        Poll.until(WAIT, Duration.ofMillis(100), "every node probed, " + DOWN_NODE + " down", StatusPageTest::json,
                status -> nodes(status).values().stream().allMatch(n -> n.get("last_probe") != null)
                        && Boolean.FALSE.equals(nodes(status).get(DOWN_NODE).get("up")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (web != null) {
            web.close();
        }
    }

    private static Map<String, Object> json() {
        AdminHttp.Response r = AdminHttp.get(server, "/status.json");
        assertEquals(200, r.status(), () -> "status of " + r);
        return MiniJson.object(r.body());
    }

    private static String page() {
        AdminHttp.Response r = AdminHttp.get(server, "/status");
        assertEquals(200, r.status(), () -> "status of " + r);
        return r.body();
    }

    private static List<Map<String, Object>> locations(Map<String, Object> status) {
        return MiniJson.asObjects(status.get("locations"));
    }

    /** Every node of /status.json by name. */
    private static Map<String, Map<String, Object>> nodes(Map<String, Object> status) {
        return locations(status).stream().flatMap(l -> MiniJson.asObjects(l.get("nodes")).stream())
                .collect(Collectors.toMap(n -> (String) n.get("name"), n -> n));
    }

    private static String svg(String page) {
        int start = page.indexOf("<svg");
        int end = page.indexOf("</svg>", start);
        assertTrue(start >= 0 && end > start, () -> "an inline <svg>...</svg> in\n" + page);
        return page.substring(start, end + "</svg>".length());
    }

    // ------------------------------------------------------------------------------------------ the page

    @Test
    void statusIsAnHtmlPageWithAnInlineSvgMap() {
        AdminHttp.Response r = AdminHttp.get(server, "/status");
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("text/html"), () -> "Content-Type of " + r);
        assertTrue(r.body().toLowerCase().contains("<html"), () -> "an HTML document:\n" + r.body());
        svg(r.body());
    }

    @Test
    void theMapNamesEveryLocation() {
        String map = svg(page());
        for (GeoWorld.Location l : GeoWorld.LOCATIONS) {
            assertTrue(map.contains(l.name()), () -> l.name() + " on the map:\n" + map);
        }
    }

    @Test
    void thePageLoadsNothingFromElsewhere() {
        String page = page();
        List<Pattern> external = List.of(
                Pattern.compile("(?i)\\bsrc\\s*="),                              // scripts, images, frames
                Pattern.compile("(?i)href\\s*=\\s*[\"']?\\s*(https?:)?//"),      // stylesheets, fonts, CDNs
                Pattern.compile("(?i)url\\(\\s*[\"']?\\s*(https?:)?//"),         // CSS url(...)
                Pattern.compile("(?i)@import"),
                Pattern.compile("(?i)<link\\b[^>]*stylesheet"));
        for (Pattern p : external) {
            Matcher m = p.matcher(page);
            assertFalse(m.find(), () -> "an external asset (" + p + ") at '"
                    + page.substring(Math.max(0, m.start() - 40), Math.min(page.length(), m.end() + 60)) + "'");
        }
    }

    @Test
    void thePageRefreshesItself() {
        Matcher m = Pattern.compile("(?i)<meta\\s+http-equiv=\"refresh\"\\s+content=\"(\\d+)").matcher(page());
        assertTrue(m.find(), "a <meta http-equiv=\"refresh\" content=\"N\">");
        int seconds = Integer.parseInt(m.group(1));
        assertTrue(seconds >= 1 && seconds <= 60, "refresh every " + seconds + " s");
    }

    @Test
    void thePageShowsEachNodeWithItsHealth() {
        String page = page();
        for (GeoWorld.Node n : ProbedWorld.nodes()) {
            String row = row(page, n.name());
            String expected = n.name().equals(DOWN_NODE) ? "down" : "up";
            String other = expected.equals("up") ? "down" : "up";
            assertTrue(row.contains(">" + expected + "<") && !row.contains(">" + other + "<"),
                    () -> n.name() + " shown " + expected + ": " + row);
        }
    }

    /** The table row that names {@code node} in a cell of its own. */
    private static String row(String page, String node) {
        for (String row : page.split("(?i)<tr")) {
            if (row.contains(">" + node + "<")) {
                return row;
            }
        }
        throw new AssertionError("no table row for " + node + " in\n" + page);
    }

    @Test
    void theMapColoursAHalfDownLocationUnlikeAFullyUpOne() {
        String map = svg(page());
        assertNotEquals(markerFill(map, "london"), markerFill(map, "seattle"),
                () -> "seattle (sea-2 down) drawn like london (all up):\n" + map);
        assertEquals(markerFill(map, "london"), markerFill(map, "frankfurt"), "two fully-up locations alike");
    }

    /** The fill of the map marker (a circle) that carries {@code <title>location</title>}. */
    private static String markerFill(String svg, String location) {
        int title = svg.indexOf("<title>" + location + "</title>");
        assertTrue(title > 0, () -> "a <title>" + location + "</title> on the map:\n" + svg);
        int marker = svg.lastIndexOf("<circle", title);
        assertTrue(marker >= 0, () -> "a circle for " + location + " on the map:\n" + svg);
        Matcher m = Pattern.compile("fill=\"([^\"]+)\"").matcher(svg.substring(marker, title));
        assertTrue(m.find(), () -> "a fill for the marker of " + location + ": " + svg.substring(marker, title));
        return m.group(1);
    }

    @Test
    void thePageShowsTheZonesWithTheirSerials() {
        String row = row(page(), "example.com");
        assertTrue(row.contains(">" + SERIAL + "<"), () -> "serial in " + row);
    }

    // ------------------------------------------------------------------------------------------ status.json

    @Test
    void statusJsonListsTheZonesWithTheirSerials() {
        List<Map<String, Object>> zones = MiniJson.asObjects(json().get("zones"));
        assertEquals(1, zones.size(), () -> "zones: " + zones);
        assertTrue(List.of("example.com", "example.com.").contains(zones.get(0).get("name")), () -> "" + zones);
        assertEquals(SERIAL, zones.get(0).get("serial"), () -> "serial in " + zones);
    }

    @Test
    void statusJsonListsEveryLocationWithItsNodes() {
        Map<String, List<String>> expected = GeoWorld.LOCATIONS.stream().collect(Collectors.toMap(
                GeoWorld.Location::name, l -> l.nodes().stream().map(GeoWorld.Node::name).toList()));
        Map<String, List<String>> got = locations(json()).stream().collect(Collectors.toMap(
                l -> (String) l.get("name"),
                l -> MiniJson.asObjects(l.get("nodes")).stream().map(n -> (String) n.get("name")).toList()));
        assertEquals(expected, got);
    }

    @Test
    void statusJsonShowsADownNodeWithItsLastProbeResult() {
        Map<String, Object> node = nodes(json()).get(DOWN_NODE);
        assertEquals(Boolean.FALSE, node.get("up"), () -> DOWN_NODE + ": " + node);
        Object result = node.get("last_result");
        assertTrue(result instanceof String s && !s.isBlank() && !s.contains("200"),
                () -> "a failure as the last result of " + DOWN_NODE + ": " + node);
        assertNotNull(node.get("last_probe"), () -> "time of the last probe: " + node);
    }

    @Test
    void statusJsonShowsAnUpNodeWithItsLastProbeResultAndLatency() {
        Map<String, Object> node = nodes(json()).get("lon-1");
        assertEquals(Boolean.TRUE, node.get("up"), () -> "lon-1: " + node);
        assertTrue(String.valueOf(node.get("last_result")).contains("200"), () -> "HTTP 200 last: " + node);
        assertTrue(node.get("last_latency_ms") instanceof Number n && n.doubleValue() >= 0
                && n.doubleValue() < 1000, () -> "a latency in ms: " + node);
        assertTrue(node.get("seconds_in_state") instanceof Long s && s >= 0, () -> "time in state: " + node);
    }

    @Test
    void statusJsonShowsALocationUpWhileOneOfItsNodesIs() {
        Map<String, Object> seattle = locations(json()).stream().filter(l -> "seattle".equals(l.get("name")))
                .findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, seattle.get("up"), () -> "seattle with sea-1 up: " + seattle);
    }

    // ------------------------------------------------------------------------------------------ last load

    /** Replaces the zone with a broken one, checks while the failure stands, then restores the good zone. */
    private static void whileAReloadHasFailed(int[] badLine, java.util.function.Consumer<String> check)
            throws IOException {
        String good = Files.readString(zoneFile, StandardCharsets.UTF_8);
        badLine[0] = (int) good.chars().filter(c -> c == '\n').count() + 1;
        try {
            ConfigFiles.replace(zoneFile, good + "broken IN A 192.0.2.300\n");
            Signals.hangUp(server);
            Predicate<Map<String, Object>> failed =
                    s -> Boolean.FALSE.equals(MiniJson.asObject(s.get("last_load")).get("ok"));
            Poll.until(WAIT, Duration.ofMillis(100), "last_load.ok = false", StatusPageTest::json, failed);
            check.accept(good);
        } finally {
            ConfigFiles.replace(zoneFile, good);
            Signals.hangUp(server);
            Poll.until(WAIT, Duration.ofMillis(100), "last_load.ok = true again", StatusPageTest::json,
                    s -> Boolean.TRUE.equals(MiniJson.asObject(s.get("last_load")).get("ok")));
        }
    }

    @Test
    void aFailedReloadShowsInLastLoadAsFileLineReason() throws IOException {
        int[] line = new int[1];
        whileAReloadHasFailed(line, good -> {
            Map<String, Object> load = MiniJson.asObject(json().get("last_load"));
            List<Object> errors = MiniJson.asList(load.get("errors"));
            assertTrue(errors.stream().anyMatch(e -> e instanceof String s
                            && s.matches(".*example\\.com\\.zone:" + line[0] + ": \\S.*")),
                    () -> "'.../example.com.zone:" + line[0] + ": reason' among " + errors);
        });
    }

    @Test
    void aFailedReloadShowsOnThePage() throws IOException {
        int[] line = new int[1];
        whileAReloadHasFailed(line, good -> {
            String page = page();
            assertTrue(page.contains("example.com.zone:" + line[0] + ": "), () -> "the error on the page:\n" + page);
        });
    }
}
