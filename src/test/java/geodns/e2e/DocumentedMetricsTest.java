package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.ExampleServer;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PromScrape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The metric names are written in the code, where they are registered, and in docs/operations.md's /metrics row,
 * where operators look them up: every metric the server registers is documented, under its Prometheus name and with
 * its labels, and the docs name no metric that does not exist.
 */
@ExtendWith(ExampleServer.class)
class DocumentedMetricsTest {
    private static final Path ROOT = GeodnsServer.root();
    /**
     * A registration: {@code tally("geodns_x"}, {@code Counter.builder("geodns_x")}, FunctionCounter, Timer and
     * Gauge alike.
     */
    private static final Pattern REGISTERED = Pattern.compile(
            "\\b(tally|Counter\\.builder|FunctionCounter\\.builder|Timer\\.builder|Gauge\\.builder)"
                    + "\\(\\s*\"(geodns_[a-z0-9_]+)\"");
    /** A documented metric: {@code `geodns_x{a,b=c|d}`}. */
    private static final Pattern DOCUMENTED = Pattern.compile("`(geodns_[a-z0-9_]+)(?:\\{([^}]*)})?`");

    @Test
    void everyMetricTheCodeRegistersIsDocumentedAndNoOther() {
        Set<String> registered = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("server/src/main/java"))) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(file -> {
                Matcher m = REGISTERED.matcher(read(file));
                while (m.find()) {
                    registered.add(prometheusName(m.group(1), m.group(2)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(registered.size() > 10, "the registrations were found: " + registered);
        assertEquals(registered, documented().keySet(), "metrics registered in server/src/main (left) and listed in"
                + " docs/operations.md's /metrics row (right)");
    }

    @Test
    void everyMetricARunningServerExportsIsDocumentedWithItsLabels(GeodnsServer server) {
        Map<String, Set<String>> documented = documented();
        Map<String, Set<String>> exported = new TreeMap<>();
        for (PromScrape.Sample s : PromScrape.of(server).samples()) {
            String family = s.name().replaceFirst("_(count|sum|max|bucket)$", "");
            if (family.startsWith("geodns_")) {
                exported.computeIfAbsent(documented.containsKey(family) ? family : s.name(), f -> new TreeSet<>())
                        .addAll(s.labels().keySet());
            }
        }
        assertTrue(exported.size() > 5, "the scrape has geodns metrics: " + exported);
        Map<String, Set<String>> expected = new TreeMap<>();
        exported.keySet().forEach(f -> expected.put(f, documented.getOrDefault(f, Set.of("(not documented)"))));
        assertEquals(expected, exported, "labels of each exported metric: in docs/operations.md (left), on /metrics"
                + " (right)");
    }

    /** Micrometer's Prometheus names: a counter gets {@code _total}, a timer {@code _seconds}. */
    private static String prometheusName(String registration, String name) {
        return switch (registration) {
            case "tally", "Counter.builder", "FunctionCounter.builder" -> name + "_total";
            case "Timer.builder" -> name + "_seconds";
            default -> name;
        };
    }

    /** The metrics the /metrics row of docs/operations.md lists, each with its label names. */
    private static Map<String, Set<String>> documented() {
        String row = Arrays.stream(read(ROOT.resolve("docs/operations.md")).split("\n"))
                .filter(l -> l.startsWith("| `/metrics` |")).findFirst().orElseThrow();
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher m = DOCUMENTED.matcher(row.replace("\\|", "|"));
        while (m.find()) {
            Set<String> labels = m.group(2) == null ? Set.of() : Arrays.stream(m.group(2).split(","))
                    .map(l -> l.replaceFirst("=.*", "").strip()).collect(Collectors.toCollection(TreeSet::new));
            out.put(m.group(1), labels);
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
