package geodns.server.config;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Symbolic links that exist but lead nowhere. {@code Files.exists} calls such a link absent, which made a
 * dangling {@code geo.yaml} link a config without geo names and a dangling zone link a folder without that zone:
 * a reload "ok" that dropped them. A file a link names but cannot reach is an error, and says why.
 */
public final class Links {
    private Links() {}

    /**
     * Why {@code file} is a link that cannot be followed ("dangling link to X", "too many levels of symbolic
     * links"), or null when it can be, or is no link at all (absent or a plain file).
     */
    public static String unfollowable(Path file) {
        if (!Files.isSymbolicLink(file) || Files.exists(file)) {
            return null;
        }
        try {
            file.toRealPath();
            return null;   // followed after all: it changed under us
        } catch (NoSuchFileException e) {
            return "a link to " + target(file) + ", which does not exist";
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? e.toString() : e.getReason();
            return "a link that cannot be followed (" + target(file) + "): " + reason;
        } catch (IOException e) {
            return "a link that cannot be followed (" + target(file) + "): " + e.getMessage();
        }
    }

    /** As {@link #unfollowable}, as the error of that file (with no line: it could not be read at all). */
    public static boolean report(Path file, java.util.List<ConfigError> errors) {
        String why = unfollowable(file);
        if (why != null) {
            errors.add(new ConfigError(file.toString(), 0, why));
        }
        return why != null;
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
