package geodns.server.zone;

import geodns.server.config.ConfigError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The syntax errors of a zone file after its first. dnsjava stops reading a file at its first syntax error; so,
 * as a compiler does, the record that failed is blanked out (its lines kept empty, so the lines after it keep
 * their numbers) and the text read again, until it reads through or {@link #MAX_ERRORS} are found. Each pass
 * reads the whole text, so this is done for files of at most {@link #MAX_BYTES}, and not for files with $INCLUDE
 * (whose records are counted in other files) or $GENERATE (one line, many records): those report their first.
 */
final class SyntaxRecovery {
    static final int MAX_ERRORS = 20;
    static final long MAX_BYTES = 1 << 20;
    private static final Pattern MESSAGE = Pattern.compile("^(.*?):(\\d+): (.*)$", Pattern.DOTALL);

    private SyntaxRecovery() {}

    /**
     * The syntax errors of {@code file} after {@code first}, which MasterFileReader reported; none when
     * {@code first} is not this file's first syntax error (a size limit, an unreadable file).
     */
    static List<ConfigError> after(Path file, Name origin, ConfigError first) {
        String text;
        try {
            // Only a regular file is read again: a FIFO would block the reload thread, a device never end.
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                return List.of();
            }
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
        String upper = text.toUpperCase(Locale.ROOT);
        if (upper.contains("$INCLUDE") || upper.contains("$GENERATE")) {
            return List.of();
        }
        String[] lines = text.split("\n", -1);
        List<ConfigError> found = new ArrayList<>();
        while (found.size() < MAX_ERRORS) {
            String blanked = String.join("\n", lines);
            ConfigError error = firstError(blanked, origin, file.toString());
            if (error == null || !found.isEmpty() && error.line() <= found.get(found.size() - 1).line()) {
                break;   // read through, or no progress (a mistake that blanking does not remove)
            }
            if (found.isEmpty() && !error.equals(first)) {
                return List.of();
            }
            found.add(error);
            blank(lines, RecordStartLines.of(blanked), error.line());
        }
        return found.isEmpty() ? List.of() : List.copyOf(found.subList(1, found.size()));
    }

    /** The first syntax error of {@code text} as MasterFileReader reports it, or null when there is none. */
    private static ConfigError firstError(String text, Name origin, String file) {
        RecordStartLines starts = RecordStartLines.of(text);
        int returned = 0;
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)),
                origin)) {
            while (master.nextRecord() != null) {
                returned++;
            }
            return null;
        } catch (TextParseException e) {
            Matcher m = MESSAGE.matcher(String.valueOf(e.getMessage()));
            if (!m.matches()) {
                return null;
            }
            int line = Integer.parseInt(m.group(2));
            // As MasterFileReader: past the record's end, dnsjava ran out of tokens; the record's start is meant.
            if (starts != null && starts.start(returned) > 0 && line > starts.end(returned)) {
                line = starts.start(returned);
            }
            return new ConfigError(file, line, ParseMessages.clarify(m.group(3)));
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    /**
     * Empties the lines of the record that starts at or spans {@code line}, or that line alone (a directive). The
     * directives among a record's lines stay: the records after them need their $ORIGIN and $TTL.
     */
    private static void blank(String[] lines, RecordStartLines starts, int line) {
        int from = line;
        int to = line;
        boolean directive = line <= lines.length && lines[line - 1].startsWith("$");
        for (int i = 0; !directive && starts != null && starts.start(i) > 0; i++) {
            if (starts.start(i) <= line && line <= starts.end(i)) {
                from = starts.start(i);
                to = starts.end(i);
                break;
            }
        }
        for (int i = Math.max(1, from); i <= Math.min(lines.length, to); i++) {
            if (i == line || !lines[i - 1].startsWith("$")) {
                lines[i - 1] = "";
            }
        }
    }
}
