package geodns.server.zone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The line each record of a master file starts on, found by a small scan of the RFC 1035 §5.1 syntax (quotes,
 * parentheses, comments, $-directives). dnsjava returns records in file order, so the n-th record it returns from
 * a file starts on the n-th of these lines. Files with $GENERATE, where one line makes many records, get none.
 */
final class RecordStartLines {
    private RecordStartLines() {}

    /** The start lines, or null when they cannot be told from the text. */
    static int[] of(Path file) {
        String text;
        try {
            text = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
        int[] starts = new int[16];
        int count = 0;
        int line = 1;
        int depth = 0;
        boolean quoted = false;
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (lineStart && depth == 0 && !quoted) {
                lineStart = false;
                int first = firstVisible(text, i);
                char f = first < text.length() ? text.charAt(first) : '\n';
                if (f == '$' && first == i) {
                    if (text.startsWith("$GENERATE", i)) {
                        return null;
                    }
                } else if (f != ';' && f != '\n' && f != '\r') {
                    if (count == starts.length) {
                        starts = Arrays.copyOf(starts, count * 2);
                    }
                    starts[count++] = line;
                }
            }
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == ';') {
                while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                    i++;
                }
            }
            if (i < text.length() && text.charAt(i) == '\n') {
                line++;
                lineStart = true;
            }
        }
        return Arrays.copyOf(starts, count);
    }

    private static int firstVisible(String text, int from) {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
