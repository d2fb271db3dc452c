package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Cli;
import geodns.e2e.support.GeodnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the README, the docs ({@code docs/}, {@code k8s/}, {@code bench/}) tell an operator must be true: every section
 * they send the reader to exists, every client subnet their geo examples dig for is one the embedded GeoIP database places (in
 * the location the comment says), and the licence they name is there.
 */
class DocumentationTest {
    private static final Path ROOT = GeodnsServer.root();
    private static final List<String> LOCATIONS = List.of("london", "frankfurt", "seattle", "singapore");

    // ----------------------------------------------------------------------------------- cross-references

    /**
     * {@code README, "Title"}, {@code k8s/README.md ("Title")}, {@code docs/operations.md, "A" and "B"}: a section of
     * a markdown file; a bare {@code README} is the top one, a bare {@code name.md} is beside the file that names it.
     */
    private static final Pattern SECTION_OF = Pattern.compile(
            "(?<doc>\\b(?:[\\w-]+/)*(?:README(?:\\.md)?|[\\w-]+\\.md))\\)?[,:]?\\s*\\(?\\s*"
                    + "(?<titles>\"[^\"]+\"(?:(?:,\\s*|\\s+and\\s+)\"[^\"]+\")*)");
    /** {@code see "Title"} with no document named: a section of the same markdown file. */
    private static final Pattern SEE = Pattern.compile("(?i)\\bsee\\s+(?<titles>\"[^\"]+\"(?:(?:,\\s*|\\s+and\\s+)"
            + "\"[^\"]+\")*)");
    /** A markdown link's target: {@code [text](path)}, {@code [text](path#anchor)}, {@code [text](#anchor)}. */
    private static final Pattern LINK = Pattern.compile("\\]\\((?<path>[^)#\\s]*)(?:#(?<anchor>[^)\\s]+))?\\)");
    private static final Pattern TITLE = Pattern.compile("\"([^\"]+)\"");

    @Test
    void everySectionTheDocsReferToExists() {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : documents()) {
            String where = ROOT.relativize(file).toString();
            String text = read(file);
            boolean markdown = where.endsWith(".md");
            // A reference may wrap onto the next line, which in a YAML, zone or Dockerfile comment starts with # or ;.
            String joined = text.replaceAll("\\s*\\n\\s*(?:[#;]\\s*)?", " ");
            Matcher m = SECTION_OF.matcher(joined);
            while (m.find()) {
                String named = m.group("doc");
                Path doc = named.contains("/") ? ROOT.resolve(named.replaceFirst("(\\.md)?$", ".md"))
                        : named.startsWith("README") ? ROOT.resolve("README.md") : file.getParent().resolve(named);
                for (String title : titles(m.group("titles"))) {
                    checked++;
                    if (!Files.isRegularFile(doc) || !hasHeading(doc, title)) {
                        broken.add(where + ": " + m.group().trim() + " -> no section \"" + title + "\" in "
                                + ROOT.relativize(doc));
                    }
                }
            }
            if (markdown) {
                Matcher see = SEE.matcher(joined);
                while (see.find()) {
                    for (String title : titles(see.group("titles"))) {
                        checked++;
                        if (!hasHeading(file, title)) {
                            broken.add(where + ": " + see.group() + " -> no section \"" + title + "\" in " + where);
                        }
                    }
                }
                Matcher link = LINK.matcher(text);
                while (link.find()) {
                    String path = link.group("path");
                    if (path.matches("[a-z]+:.*")) {
                        continue;   // a web address
                    }
                    checked++;
                    Path target = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                    String anchor = link.group("anchor");
                    if (!Files.exists(target)) {
                        broken.add(where + ": link " + link.group() + " -> no file " + ROOT.relativize(target));
                    } else if (anchor != null && !anchors(target).contains(anchor)) {
                        broken.add(where + ": link " + link.group() + " -> no heading with anchor #" + anchor + " in "
                                + ROOT.relativize(target));
                    }
                }
            }
        }
        assertTrue(checked > 10, "the references were found: " + checked);
        assertEquals(List.of(), broken, "references to sections that do not exist");
    }

    // --------------------------------------------------------------------------------- geo examples' subnets

    /** {@code +subnet=A.B.C.D/N} with the rest of the line, which may name the location the client gets. */
    private static final Pattern SUBNET = Pattern.compile("\\+subnet=(\\d+\\.\\d+\\.\\d+\\.\\d+)/\\d+(.*)");

    @Test
    @Timeout(180)
    void everyClientSubnetTheGeoExamplesDigForIsPlacedWhereTheirCommentsSay() {
        Map<String, Set<String>> saidFor = new TreeMap<>();   // address -> locations the lines name ("" if none)
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("k8s/README.md"),
                ROOT.resolve("bench/README.md"), ROOT.resolve("zones/example.com.zone")));
        files.addAll(markdownIn(ROOT.resolve("docs")));
        for (Path file : files) {
            for (String line : read(file).split("\n")) {
                Matcher m = SUBNET.matcher(line);
                while (m.find()) {
                    String rest = m.group(2).toLowerCase(Locale.ROOT);
                    Set<String> said = saidFor.computeIfAbsent(m.group(1), a -> new LinkedHashSet<>());
                    LOCATIONS.stream().filter(rest::contains).findFirst().ifPresent(said::add);
                }
            }
        }
        assertFalse(saidFor.isEmpty(), "the docs dig with +subnet=");
        Map<String, String> wrong = new LinkedHashMap<>();
        for (Map.Entry<String, Set<String>> e : saidFor.entrySet()) {
            Cli.Result r = Cli.run(60, "explain", "--zones", GeodnsServer.exampleZones().toString(), e.getKey(),
                    "app.example.com");
            assertEquals(0, r.exitCode(), r::toString);
            Matcher chosen = Pattern.compile("(?m)^\\s*chosen: (\\S+)").matcher(r.stdout());
            assertTrue(chosen.find(), r::toString);
            if (r.stdout().contains("geoip_record: null")) {
                wrong.put(e.getKey(), "the embedded DB cannot place it (answered in the default order)");
            } else if (!e.getValue().isEmpty() && !e.getValue().equals(Set.of(chosen.group(1)))) {
                wrong.put(e.getKey(), "the docs say " + e.getValue() + ", geodns chooses " + chosen.group(1));
            }
        }
        assertEquals(Map.of(), wrong, "client subnets of the docs' geo examples");
    }

    // ------------------------------------------------------------------------------------- the two commands

    @Test
    void ciRunsTheTestCommandTheReadmeGives() {
        Matcher command = Pattern.compile("(?s)\nRun every test .*?```sh\n(.*?)\n```").matcher(read(ROOT.resolve(
                "README.md")));
        assertTrue(command.find(), "the README gives a command that runs every test");
        assertTrue(read(ROOT.resolve(".ci/run")).lines().anyMatch(command.group(1)::equals),
                ".ci/run runs the README's test command as it is written: " + command.group(1));
    }

    // ------------------------------------------------------------------------------------------- licence

    @Test
    void theLicenceIsApache2AndTheNoticeKeepsDbIpsAttribution() {
        String licence = read(ROOT.resolve("LICENSE"));
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0, January 2004")
                && licence.contains("END OF TERMS AND CONDITIONS"), "LICENSE is the full Apache License 2.0");
        String notice = read(ROOT.resolve("NOTICE"));
        assertTrue(notice.contains("dbip-country-lite.mmdb") && notice.contains("IP Geolocation by DB-IP")
                && notice.contains("CC BY 4.0"), "NOTICE credits the embedded DB-IP data as CC BY 4.0 asks");
        assertTrue(Files.isRegularFile(ROOT.resolve(
                "geoip/src/main/resources/geodns/geoip/dbip-country-lite.LICENSE.txt")), "the DB's own notice");
        String readme = read(ROOT.resolve("README.md"));
        assertTrue(readme.contains("](LICENSE)") && readme.contains("](NOTICE)"), "the README names both");
    }

    // ------------------------------------------------------------------------------------------- helpers

    /**
     * The READMEs, docs/, and every text file of k8s/ (the dashboard's JSON aside), the Dockerfile and zones/.
     */
    private static List<Path> documents() {
        List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("Dockerfile"),
                ROOT.resolve("server/README.md"), ROOT.resolve("bench/README.md")));
        out.addAll(markdownIn(ROOT.resolve("docs")));
        for (String dir : List.of("k8s", "zones")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".json")).sorted()
                        .forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The markdown files of a folder, in name order. */
    static List<Path> markdownIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> titles(String quoted) {
        List<String> out = new ArrayList<>();
        Matcher t = TITLE.matcher(quoted);
        while (t.find()) {
            out.add(t.group(1));
        }
        return out;
    }

    /** The file's markdown headings, without the #s. */
    private static List<String> headings(Path markdown) {
        List<String> out = new ArrayList<>();
        boolean fenced = false;
        for (String line : read(markdown).split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.matches("#{1,6} .*")) {
                out.add(line.replaceFirst("#+ ", "").trim());
            }
        }
        return out;
    }

    /** A heading of that title, or one that qualifies it: "Memory" is "Memory: the JVM flags", "X (optional)". */
    private static boolean hasHeading(Path markdown, String title) {
        return headings(markdown).stream().anyMatch(h -> h.equals(title) || h.startsWith(title + ":")
                || h.startsWith(title + " ("));
    }

    /** GitHub's anchors for the file's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(Path markdown) {
        Set<String> out = new LinkedHashSet<>();
        for (String h : headings(markdown)) {
            out.add(h.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
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
