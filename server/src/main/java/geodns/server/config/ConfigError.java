package geodns.server.config;

import java.io.IOException;

/**
 * One problem in any config file (zone file, geo.yaml, transfer.yaml), reported the way compilers do so editors
 * can jump to it.
 */
public record ConfigError(String file, int line, String reason) {
    @Override
    public String toString() {
        // Line 0: about the file as a whole (it could not be read, or is not where it should be).
        return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
    }

    /** The same place and reason said as a warning, as compilers do: {@code file:line: warning: reason}. */
    public String asWarning() {
        return (line > 0 ? file + ":" + line : file) + ": warning: " + reason;
    }

    /** Why a file could not be read, without the path Java repeats in the message (it is in the error already). */
    public static String reason(IOException e) {
        String message = String.valueOf(e.getMessage());
        int open = message.lastIndexOf(" (");
        return e instanceof java.io.FileNotFoundException && open > 0 && message.endsWith(")")
                ? message.substring(open + 2, message.length() - 1).toLowerCase(java.util.Locale.ROOT) : message;
    }
}
