package geodns.e2e.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /metrics} (Prometheus text format 0.0.4), parsed into samples: name, labels, value.
 * Comment lines ({@code # HELP}, {@code # TYPE}) are kept apart.
 */
public final class PromScrape {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    public record Sample(String name, Map<String, String> labels, double value) {
        boolean matches(String wanted, Map<String, String> subset) {
            return name.equals(wanted) && labels.entrySet().containsAll(subset.entrySet());
        }
    }

    private final List<Sample> samples;
    private final List<String> comments;
    private final String text;

    private PromScrape(List<Sample> samples, List<String> comments, String text) {
        this.samples = samples;
        this.comments = comments;
        this.text = text;
    }

    /** Scrapes {@code /metrics} of {@code server} (must answer 200). */
    public static PromScrape of(GeodnsServer server) {
        return parse(AdminHttp.ok(server, "/metrics"));
    }

    /** Parses exposition text; fails on a line that is neither a comment nor a sample. */
    public static PromScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                comments.add(line);
                continue;
            }
            Matcher m = SAMPLE.matcher(line.trim());
            if (!m.matches()) {
                throw new AssertionError("not a Prometheus sample line: '" + line + "'");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n")
                            .replace("\\\\", "\\"));
                    end = l.end();
                }
                if (end != m.group(3).length()) {
                    throw new AssertionError("labels do not parse in '" + line + "'");
                }
            }
            samples.add(new Sample(m.group(1), labels, value(m.group(4))));
        }
        return new PromScrape(List.copyOf(samples), List.copyOf(comments), text);
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    /** Labels as alternating keys and values: {@code labels("qtype", "A", "rcode", "NOERROR")}. */
    public static Map<String, String> labels(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in key/value pairs");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    /** Every sample named {@code name} whose labels include {@code keysAndValues}. */
    public List<Sample> all(String name, String... keysAndValues) {
        Map<String, String> subset = labels(keysAndValues);
        return samples.stream().filter(s -> s.matches(name, subset)).toList();
    }

    /** The one sample named {@code name} with (at least) these labels, or empty when there is none. */
    public OptionalDouble find(String name, String... keysAndValues) {
        List<Sample> found = all(name, keysAndValues);
        if (found.size() > 1) {
            throw new AssertionError("several samples " + name + " " + labels(keysAndValues) + ": " + found);
        }
        return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(found.get(0).value());
    }

    /** The sum of every sample named {@code name} with these labels; 0 when there is none (not counted yet). */
    public double sum(String name, String... keysAndValues) {
        return all(name, keysAndValues).stream().mapToDouble(Sample::value).sum();
    }

    /** The one sample's value; fails when the server does not export it. */
    public double value(String name, String... keysAndValues) {
        OptionalDouble v = find(name, keysAndValues);
        if (v.isEmpty()) {
            throw new AssertionError("no sample " + name + " " + labels(keysAndValues) + " in /metrics:\n" + text);
        }
        return v.getAsDouble();
    }

    /** Every sample, in the order of the text. */
    public List<Sample> samples() {
        return samples;
    }

    public List<String> comments() {
        return comments;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
