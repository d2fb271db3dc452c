package geodns.server.zone;

/** One problem in the configuration, reported the way compilers do so editors can jump to it. */
public record ZoneError(String file, int line, String reason) {
    @Override
    public String toString() {
        // Line 0: about the file as a whole (it could not be read, or is not where it should be).
        return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
    }

    /** The same place and reason said as a warning, as compilers do: {@code file:line: warning: reason}. */
    public String asWarning() {
        return file + ":" + line + ": warning: " + reason;
    }
}
