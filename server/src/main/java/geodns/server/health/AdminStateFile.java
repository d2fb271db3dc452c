package geodns.server.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Keeps the admin state set over HTTP in a file, in the admin state file's own format (so a person can read it
 * and {@link AdminStateReader} reads it back after a restart). Written whole to a temporary file beside it and
 * moved over it, so a crash leaves the old file or the new one, never half of one.
 */
public final class AdminStateFile {
    private AdminStateFile() {}

    /** @throws UncheckedIOException when the file cannot be written; then it is as it was */
    public static void write(Path file, AdminState state) {
        StringBuilder out = new StringBuilder("# The admin state set over HTTP (POST /admin-state), kept by geodns"
                + " across restarts.\n# It wins over the zones folder's " + AdminStateReader.FILE_NAME
                + " for the nodes and locations it names.\n");
        section(out, "nodes", state.nodes());
        section(out, "locations", state.locations());
        Path dir = file.toAbsolutePath().getParent();
        Path temporary = dir.resolve("." + file.getFileName() + ".new");
        try {
            Files.writeString(temporary, out, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the write's own failure is what matters
            }
            throw new UncheckedIOException("cannot write the admin state to " + file + ": " + e.getMessage(), e);
        }
    }

    private static void section(StringBuilder out, String key, Map<String, AdminState.Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        out.append(key).append(":\n");
        entries.forEach((name, e) -> {
            out.append("  ").append(quoted(name)).append(": { state: ").append(e.state().word);
            if (e.reason() != null) {
                out.append(", reason: ").append(quoted(e.reason()));
            }
            if (e.until() != null) {
                out.append(", until: ").append(quoted(e.until().toString()));
            }
            out.append(" }\n");
        });
    }

    /** A YAML double-quoted scalar; its escapes are JSON's, so any text reads back as written. */
    private static String quoted(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
