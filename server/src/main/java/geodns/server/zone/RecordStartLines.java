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
record RecordStartLines(int[] starts, int lastLine, int unclosedParenthesisLine) {

    /** The line the record with this index starts on, or 0 when unknown. */
    int start(int index) {
        return index < starts.length ? starts[index] : 0;
    }

    /** The last line record {@code index} may span: up to the next record's start, or the file's end. */
    int end(int index) {
        return index + 1 < starts.length ? starts[index + 1] - 1 : lastLine;
    }

    /** The start lines, or null when they cannot be told from the text. */
    static RecordStartLines of(Path file) {
        String text;
        try {
            text = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
        return of(text);
    }

    /** The start lines of a master file's text, or null when they cannot be told from it. */
    static RecordStartLines of(String text) {
        int[] starts = new int[16];
        int count = 0;
        int line = 1;
        int depth = 0;
        int openedAt = 0;
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
                if (depth++ == 0) {
                    openedAt = line;
                }
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
        int lastLine = text.endsWith("\n") ? line - 1 : line;
        return new RecordStartLines(Arrays.copyOf(starts, count), lastLine, depth > 0 ? openedAt : 0);
    }

    private static int firstVisible(String text, int from) {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
