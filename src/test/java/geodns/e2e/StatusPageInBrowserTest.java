package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Chromium;
import geodns.e2e.support.HealthCluster;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.ServerLogOnFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /status} as a person sees it: the page rendered by headless Chromium ({@link Chromium}) and read from its
 * DOM and layout. The server probes a {@link HealthCluster} (london, frankfurt, seattle, singapore; probes every
 * 200 ms, down after 2 failures, up after 2 successes) whose endpoints the tests stop; after each test every node
 * is up again.
 */
@ExtendWith(ServerLogOnFailure.class)
class StatusPageInBrowserTest {
    private static final Duration CHANGE = Duration.ofSeconds(10);
    private static final Duration EVERY = Duration.ofMillis(200);
    private static final List<String> LOCATIONS = List.of("london", "frankfurt", "seattle", "singapore");

    @TempDir
    static Path dir;
    static HealthCluster cluster;
    static Chromium browser;

    @BeforeAll
    static void start() {
        cluster = HealthCluster.start(dir, "interval: 200ms", "timeout: 300ms", "jitter: 0.2", "fall: 2", "rise: 2",
                "initial: up");
        browser = Chromium.start(1000, 1400);
        Poll.until(CHANGE, EVERY, "every node probed", StatusPageInBrowserTest::page,
                p -> !p.contains("not probed"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void everyNodeUpAgain() {
        cluster.web.allHealthy();
        cluster.awaitAllUp(CHANGE);
        Poll.until(CHANGE, EVERY, "no banner once every node is up", StatusPageInBrowserTest::banner, String::isEmpty);
    }

    private static String url() {
        return "http://" + cluster.server.http().getAddress().getHostAddress() + ":"
                + cluster.server.http().getPort() + "/status";
    }

    /** Loads the page afresh and gives its visible text. */
    private static String page() {
        browser.open(url());
        return (String) browser.evaluate("document.body.innerText");
    }

    /** The text of the visible alert on a freshly loaded page, or "" when there is none. */
    private static String banner() {
        browser.open(url());
        return (String) browser.evaluate("[...document.querySelectorAll('[role=alert]')]"
                + ".filter(e => e.getBoundingClientRect().height > 0).map(e => e.innerText).join('\\n')");
    }

    private static void stopAll(List<String> nodes) {
        nodes.forEach(n -> cluster.web.stop(cluster.address(n)));
    }

    // ------------------------------------------------------------------------------------------ fail-open banner

    @Test
    void noBannerWhileNodesAreUp() {
        assertEquals("", banner());
    }

    @Test
    void aBannerSaysFailOpenWhileEveryNodeIsDown() throws IOException {
        stopAll(cluster.nodes());
        String text = Poll.until(CHANGE, EVERY, "a fail-open banner", StatusPageInBrowserTest::banner,
                b -> !b.isEmpty());
        assertTrue(text.toLowerCase().contains("fail-open") && text.contains("app.example.com"),
                () -> "the banner names fail-open and the geo name: " + text);
        Files.write(Path.of("target", "status-page-fail-open.png"), browser.screenshot());
    }

    // ------------------------------------------------------------------------------------------ legibility

    @Test
    void theLegendListsEveryLocationWithItsState() {
        browser.open(url());
        List<Object> items = MiniJson.asList(browser.evaluate(
                "[...document.querySelectorAll('.legend li')].map(li => li.innerText)"));
        for (String location : LOCATIONS) {
            assertTrue(items.stream().anyMatch(i -> i.toString().startsWith(location) && i.toString().contains("up")),
                    () -> location + " with its state in a legend: " + items);
        }
    }

    @Test
    void timesAreUtcToTheSecondAndDurationsReadable() {
        String text = page();
        assertFalse(Pattern.compile("\\d\\d:\\d\\d:\\d\\d[.,]\\d").matcher(text).find(),
                () -> "no fraction of a second in a time:\n" + text);
        assertTrue(Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ").matcher(text).find(),
                () -> "ISO times to the second, UTC:\n" + text);
        List<Object> inState = MiniJson.asList(browser.evaluate("[...document.querySelectorAll('tr')]"
                + ".filter(r => r.cells.length == 8 && r.cells[0].tagName == 'TD').map(r => r.cells[7].innerText)"));
        assertEquals(cluster.nodes().size(), inState.size(), () -> "an 'in state for' cell per node: " + inState);
        for (Object d : inState) {
            assertTrue(d.toString().matches("\\d+s|\\d+m \\d\\ds|\\d+h \\d\\dm|\\d+d \\d\\dh"),
                    () -> "a duration such as 45s or 3m 12s: '" + d + "'");
        }
    }

    @Test
    void labelsOfNearLocationsDoNotOverlap() {
        browser.open(url());
        // Every map label: a <text> naming a location, with its box as laid out.
        List<Map<String, Object>> labels = MiniJson.asObjects(browser.evaluate("[...document.querySelectorAll('svg')]"
                + ".flatMap((svg, map) => [...svg.querySelectorAll('text')]"
                + ".filter(t => " + jsArray(LOCATIONS) + ".includes(t.textContent.trim()))"
                + ".map(t => { const r = t.getBoundingClientRect();"
                + " return {map, name: t.textContent.trim(), left: r.left, top: r.top, right: r.right,"
                + " bottom: r.bottom}; }))"));
        assertTrue(labels.stream().anyMatch(l -> "london".equals(l.get("name")))
                && labels.stream().anyMatch(l -> "frankfurt".equals(l.get("name"))), () -> "labels: " + labels);
        for (Map<String, Object> a : labels) {
            for (Map<String, Object> b : labels) {
                if (a != b && a.get("map").equals(b.get("map"))) {
                    assertFalse(overlap(a, b), () -> "labels " + a + " and " + b + " overlap");
                }
            }
        }
    }

    private static boolean overlap(Map<String, Object> a, Map<String, Object> b) {
        return n(a, "left") < n(b, "right") && n(b, "left") < n(a, "right")
                && n(a, "top") < n(b, "bottom") && n(b, "top") < n(a, "bottom");
    }

    private static double n(Map<String, Object> box, String key) {
        return ((Number) box.get(key)).doubleValue();
    }

    private static String jsArray(List<String> strings) {
        return "[" + String.join(",", strings.stream().map(s -> "'" + s + "'").toList()) + "]";
    }

    // ------------------------------------------------------------------------------------------ catchment map

    /** The location GB's point is drawn for, and whether it has that location's legend colour. */
    private static String catchmentOfGb() {
        browser.open(url());
        Object found = browser.evaluate("(() => { const dot = document.querySelector('svg [data-country=GB]');"
                + " if (!dot) return 'no GB on the map';"
                + " const location = dot.getAttribute('data-location');"
                + " const swatch = document.querySelector(`.legend li[data-location=${location}] .swatch`);"
                + " if (!swatch) return 'no legend entry for ' + location;"
                + " const same = getComputedStyle(dot).fill == getComputedStyle(swatch).backgroundColor;"
                + " return same ? location : location + ' in another colour than its legend'; })()");
        return String.valueOf(found);
    }

    @Test
    void greatBritainIsDrawnAsSentToLondon() {
        assertEquals("london", catchmentOfGb());
    }

    @Test
    void greatBritainTurnsToFrankfurtWhenLondonsNodesGoDown() throws IOException {
        stopAll(List.of("lon-1", "lon-2"));
        Poll.until(CHANGE, EVERY, "GB drawn as sent to frankfurt", StatusPageInBrowserTest::catchmentOfGb,
                "frankfurt"::equals);
        Files.write(Path.of("target", "status-page-london-down.png"), browser.screenshot());
    }
}
