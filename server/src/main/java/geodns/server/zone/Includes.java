package geodns.server.zone;

import geodns.server.config.ConfigError;
import geodns.server.config.HeapBudget;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A master file and every file it {@code $INCLUDE}s, checked before dnsjava opens any of them: dnsjava would
 * block on a FIFO, read {@code /dev/zero} (size 0) until the heap is gone, and recurse through a loop until the
 * stack is. Each file must be a regular file (links followed) within {@link MasterFileReader#MAX_FILE_BYTES};
 * its size is counted against the load's {@link HeapBudget}, as its text is scanned whole while it is read.
 * Missing files are left to dnsjava, which reports them at the {@code $INCLUDE} line.
 */
final class Includes {
    /** Deeper than any sane layout, shallow enough that dnsjava's recursion never nears the stack's end. */
    private static final int MAX_DEPTH = 16;
    /** Longer than any path a $INCLUDE line may name (PATH_MAX). */
    private static final int LINE_START = 4200;

    private Includes() {}

    /** True when {@code file} and what it includes may be read; otherwise errors are added. */
    static boolean check(Path file, HeapBudget budget, List<ConfigError> errors) {
        int before = errors.size();
        visit(file, file.toString(), null, 0, new ArrayList<>(), budget, errors);
        return errors.size() == before;
    }

    /** A file on the way down, and the line of the $INCLUDE being followed in it. */
    private record Step(Path real, String display, int[] line) {}

    private static void visit(Path file, String display, String from, int fromLine, List<Step> chain,
                              HeapBudget budget, List<ConfigError> errors) {
        String where = from == null ? display : from;
        int line = from == null ? 0 : fromLine;
        String what = from == null ? "" : "$INCLUDE " + display + ": ";
        if (!Files.exists(file)) {
            if (from == null) {
                errors.add(new ConfigError(display, 0, Files.isSymbolicLink(file) ? "cannot read: a link to nothing"
                        : "cannot read: no such file"));
            }
            return;  // dnsjava reports a missing included file at its $INCLUDE line
        }
        if (!Files.isRegularFile(file)) {
            errors.add(new ConfigError(where, line, what + "not a regular file (a device, FIFO or folder)"));
            return;
        }
        Path real = real(file);
        int seen = 0;
        while (seen < chain.size() && !chain.get(seen).real().equals(real)) {
            seen++;
        }
        if (seen < chain.size()) {
            // Reported where the loop starts: the $INCLUDE line in the first of its files.
            List<String> names = new ArrayList<>();
            chain.subList(seen, chain.size()).forEach(step -> names.add(step.real().getFileName().toString()));
            names.add(real.getFileName().toString());
            Step start = chain.get(seen);
            errors.add(new ConfigError(start.display(), start.line()[0], "$INCLUDE loop: " + String.join(" -> ", names)));
            return;
        }
        if (chain.size() >= MAX_DEPTH) {
            errors.add(new ConfigError(where, line, "$INCLUDE nested more than " + MAX_DEPTH + " deep"));
            return;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return;  // reading it reports why
        }
        if (size > MasterFileReader.MAX_FILE_BYTES) {
            errors.add(new ConfigError(display, 1, "larger than the limit of " + (MasterFileReader.MAX_FILE_BYTES >> 20)
                    + " MiB"));
            return;
        }
        if (!Files.isReadable(file)) {
            errors.add(new ConfigError(where, line, what + "cannot read: permission denied"));
            return;
        }
        budget.charge(size, display, 0);
        Step step = new Step(real, display, new int[1]);
        chain.add(step);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            int number = 0;
            for (String text = lineStart(in); text != null; text = lineStart(in)) {
                number++;
                String target = includeTarget(text);
                if (target != null) {
                    // As dnsjava resolves it: relative to the including file's folder.
                    File resolved = new File(target);
                    if (!resolved.isAbsolute() && new File(display).getParent() != null) {
                        resolved = new File(new File(display).getParent(), target);
                    }
                    step.line()[0] = number;
                    visit(resolved.toPath(), resolved.toString(), display, number, chain, budget, errors);
                }
            }
        } catch (IOException e) {
            errors.add(new ConfigError(where, line, what + "cannot read: " + e.getMessage()));
        } finally {
            chain.remove(chain.size() - 1);
        }
    }

    /**
     * The first {@link #LINE_START} characters of the next line, the rest skipped: enough for any {@code $INCLUDE}
     * line, and a file of one long line is never held whole. Null at the end of the file.
     */
    private static String lineStart(InputStream in) throws IOException {
        StringBuilder start = new StringBuilder();
        int c = in.read();
        if (c < 0) {
            return null;
        }
        for (; c >= 0 && c != '\n'; c = in.read()) {
            if (start.length() < LINE_START) {
                start.append((char) c);
            }
        }
        return start.toString();
    }

    /** The file named by a {@code $INCLUDE} line, or null for any other line. */
    private static String includeTarget(String line) {
        if (line.length() < 9 || !line.regionMatches(true, 0, "$INCLUDE", 0, 8)
                || !Character.isWhitespace(line.charAt(8))) {
            return null;
        }
        String rest = line.substring(9).strip();
        if (rest.startsWith("\"")) {
            int end = rest.indexOf('"', 1);
            return end > 0 ? rest.substring(1, end) : null;
        }
        String[] words = rest.split("\\s+", 2);
        return words[0].isEmpty() || words[0].startsWith(";") ? null : words[0];
    }

    private static Path real(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }
}
