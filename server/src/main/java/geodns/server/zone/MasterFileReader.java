package geodns.server.zone;

import geodns.server.config.ConfigError;
import geodns.server.config.HeapBudget;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Reads an RFC 1035 master file with dnsjava and remembers where each record came from.
 *
 * <p>dnsjava reports file and line for syntax errors but not for records it returns; the checks that come later
 * (out of zone, CNAME beside other data) need that position too, so it is read from dnsjava's reader. If a
 * future dnsjava renames those fields, positions fall back to line 0 and nothing else changes.
 */
final class MasterFileReader {
    private static final Field INCLUDED = field(Master.class, "included");
    private static final Field TOKENIZER = field(Master.class, "st");
    private static final Field LINE = field(org.xbill.DNS.Tokenizer.class, "line");
    private static final Field FILE = field(Master.class, "file");
    private static final Field GENERATOR = field(Master.class, "generator");

    /**
     * A master file (with what it includes) larger than this is refused before it is read: the record start
     * lines are found in the whole text at once, and no sane zone for this server comes near it.
     */
    static final long MAX_FILE_BYTES = 16 << 20;

    /** How many records the zones folder may still take: the limit, and how many earlier files used. */
    record Budget(int limit, int used) {
        boolean allows(int more) {
            return used + more <= limit;
        }
    }

    private MasterFileReader() {}

    /** The most a record's data may hold: its length is a 16-bit field (RFC 1035 §3.2.1). */
    static final int MAX_RDATA = 65_535;

    static void read(Path file, Name origin, Budget budget, HeapBudget heap, List<PlacedRecord> records,
                     List<ConfigError> errors) {
        String display = file.toString();
        if (!Includes.check(file, heap, errors)) {
            return;
        }
        Master master;
        try {
            master = new Master(display, origin);
        } catch (IOException e) {
            errors.add(new ConfigError(display, 0, "cannot read: " + ConfigError.reason(e)));
            return;
        }
        Map<String, RecordStartLines> startLines = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        // dnsjava closes the file on any error, so the first one ends this file.
        try (master) {
            for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
                Position at = position(master, display);
                if (!startLines.containsKey(at.file) && !at.file.equals(display)
                        && tooLarge(Path.of(at.file), at.file, 1, errors)) {
                    return;
                }
                int index = counts.merge(at.file, 1, Integer::sum) - 1;
                RecordStartLines lines = startLines.computeIfAbsent(at.file, f -> RecordStartLines.of(Path.of(f)));
                // A $GENERATE record: the tokenizer is still on the directive's line. Otherwise, without start
                // lines, the tokenizer's line is past the record's end of line: one below it.
                int line = at.generating ? at.line
                        : lines != null && lines.start(index) > 0 ? lines.start(index) : Math.max(1, at.line - 1);
                if (!budget.allows(records.size() + 1)) {
                    // Stops $GENERATE and huge files alike, before their records fill the heap.
                    errors.add(new ConfigError(at.file, line, "more than " + budget.limit()
                            + " records in the zones folder (the limit; --max-records raises it)"));
                    return;
                }
                int length = r.rdataToWireCanonical().length;
                if (length > MAX_RDATA) {
                    errors.add(new ConfigError(at.file, line, Type.string(r.getType()) + " record data of " + length
                            + " bytes, more than the " + MAX_RDATA + " a record can hold"));
                    continue;
                }
                heap.charge(HeapBudget.PER_RECORD + (long) HeapBudget.PER_RECORD_BYTE
                        * (length + r.getName().length()), at.file, line);
                records.add(new PlacedRecord(r, at.file, line));
            }
            unclosedParentheses(startLines, errors);
        } catch (TextParseException e) {
            errors.add(parseError(e, master, display, startLines, counts));
        } catch (IOException e) {
            // A missing $INCLUDE file: the tokenizer is past the directive's end of line.
            Position at = position(master, display);
            errors.add(new ConfigError(at.file, Math.max(1, at.line - 1), "cannot read: " + e.getMessage()));
        } catch (StackOverflowError e) {
            errors.add(new ConfigError(display, 0, "$INCLUDE nested too deep"));
        } catch (StringIndexOutOfBoundsException e) {
            // dnsjava 3.6 looks at the first character of the owner token, which "" does not have.
            Position at = position(master, display);
            errors.add(new ConfigError(at.file, Math.max(1, at.line), "an empty quoted name \"\" where a record's owner"
                    + " or a $directive belongs (write @ for the zone's origin)"));
        } catch (HeapBudget.Exceeded e) {
            throw e;
        } catch (RuntimeException e) {
            Position at = position(master, display);
            errors.add(new ConfigError(at.file, at.line, "unreadable: " + e));
        }
    }

    /**
     * dnsjava's messages start with "file:line: ". When dnsjava ran out of tokens it is already past the
     * record's end of line; then the record that failed is the one after the last it returned, and its start
     * line is reported.
     */
    private static ConfigError parseError(TextParseException e, Master master, String display,
                                        Map<String, RecordStartLines> startLines, Map<String, Integer> counts) {
        String message = String.valueOf(e.getMessage());
        Position at = position(master, display);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*?):(\\d+): (.*)$").matcher(message);
        if (!m.matches()) {
            return new ConfigError(at.file, at.line, message);
        }
        int line = Integer.parseInt(m.group(2));
        RecordStartLines lines = startLines.computeIfAbsent(at.file, f -> RecordStartLines.of(Path.of(f)));
        int failing = counts.getOrDefault(at.file, 0);
        if (lines != null && lines.start(failing) > 0 && line > lines.end(failing)) {
            line = lines.start(failing);
        }
        return new ConfigError(at.file, line, ParseMessages.clarify(m.group(3)));
    }

    /** Why a file cannot be opened, without the file name Java's message repeats. */
    private static boolean tooLarge(Path file, String display, int line, List<ConfigError> errors) {
        try {
            if (java.nio.file.Files.size(file) <= MAX_FILE_BYTES) {
                return false;
            }
        } catch (IOException e) {
            return false;  // reading it reports why
        }
        errors.add(new ConfigError(display, line, "larger than the limit of " + (MAX_FILE_BYTES >> 20) + " MiB"));
        return true;
    }

    /** dnsjava reads an unclosed "(" to the end of the file without complaint; we do not. */
    private static void unclosedParentheses(Map<String, RecordStartLines> startLines, List<ConfigError> errors) {
        startLines.forEach((file, lines) -> {
            if (lines != null && lines.unclosedParenthesisLine() > 0) {
                errors.add(new ConfigError(file, lines.unclosedParenthesisLine(), "'(' is never closed"));
            }
        });
    }
    private record Position(String file, int line, boolean generating) {}

    private static Position position(Master master, String display) {
        try {
            Master innermost = master;
            while (innermost != null && INCLUDED != null && INCLUDED.get(innermost) != null) {
                innermost = (Master) INCLUDED.get(innermost);
            }
            if (innermost == null || TOKENIZER == null || LINE == null) {
                return new Position(display, 0, false);
            }
            Object file = FILE == null ? null : FILE.get(innermost);
            boolean generating = GENERATOR != null && GENERATOR.get(innermost) != null;
            return new Position(file == null ? display : file.toString(), LINE.getInt(TOKENIZER.get(innermost)),
                    generating);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Position(display, 0, false);
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
