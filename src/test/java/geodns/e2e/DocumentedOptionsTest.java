package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Cli;
import geodns.e2e.support.GeodnsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line is written down twice, in {@code geodns --help} and in docs/configuration.md ("Command line");
 * the help is the source, and the docs must say the same: the same synopsis, every option in both, each with the
 * same default.
 */
class DocumentedOptionsTest {
    private static final Path DOC = GeodnsServer.root().resolve("docs/configuration.md");
    /** An option's block in the help: its line, and the lines indented under it. */
    private static final Pattern HELP_OPTION = Pattern.compile("(?m)^  (--[a-z-]+)(.*(?:\\n {20,}.*)*)");
    private static final Pattern HELP_DEFAULT = Pattern.compile("\\(default: ([^)]+)\\)");
    /** A row of the options table: {@code | `--flag ARG` | default | meaning |}. */
    private static final Pattern DOC_ROW = Pattern.compile("(?m)^\\| `(--[a-z-]+)[^`]*` \\| (.*?) \\| .*\\|$");

    private static String help;
    private static String doc;

    @BeforeAll
    static void read() throws IOException {
        Cli.Result r = Cli.run(60, "--help");
        assertEquals(0, r.exitCode(), r::toString);
        help = r.stdout();
        doc = section(Files.readString(DOC), "## Command line");
    }

    @Test
    void theDocumentedSynopsisIsTheHelpsUsage() {
        Matcher usage = Pattern.compile("(?s)Usage:\\n(.*?)\\n\\n").matcher(help);
        assertTrue(usage.find(), help);
        Matcher block = Pattern.compile("(?s)```\\n(.*?)```").matcher(doc);
        assertTrue(block.find(), "docs/configuration.md, \"Command line\" opens with the synopsis");
        assertEquals(usage.group(1).replaceAll("(?m)^  ", "").strip(), block.group(1).strip(),
                "docs/configuration.md's synopsis and geodns --help's Usage");
    }

    @Test
    void everyOptionOfTheHelpIsDocumentedWithTheSameDefault() {
        Map<String, String> fromHelp = helpDefaults();
        Map<String, String> fromDoc = docDefaults();
        assertTrue(fromHelp.size() > 15, "the help's options were found: " + fromHelp);
        assertEquals(fromHelp, fromDoc, "option -> default in geodns --help (left) and docs/configuration.md (right);"
                + " an option with no default in the help is documented as none");
    }

    /** Each option of the help's "Options:" and its {@code (default: X)}, or "none". */
    static Map<String, String> helpDefaults() {
        Matcher options = Pattern.compile("(?s)\\nOptions:\\n(.*?)\\n\\n").matcher(help);
        assertTrue(options.find(), help);
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = HELP_OPTION.matcher(options.group(1));
        while (m.find()) {
            Matcher d = HELP_DEFAULT.matcher(m.group(2));
            out.put(m.group(1), d.find() ? d.group(1).strip() : "none");
        }
        return out;
    }

    /** Each row of the docs' options table and its default, without code quotes or a remark in brackets. */
    static Map<String, String> docDefaults() {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = DOC_ROW.matcher(doc.replace("\\|", "/"));
        while (m.find()) {
            out.put(m.group(1), m.group(2).replaceAll("\\s*\\(.*\\)$", "").replace("`", "").strip());
        }
        return out;
    }

    /** From the heading to the next heading of its level or above. */
    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, heading + " in " + DOC);
        int end = markdown.indexOf("\n## ", start + heading.length() + 2);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }
}
