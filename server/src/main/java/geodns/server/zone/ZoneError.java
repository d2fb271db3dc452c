package geodns.server.zone;

/** One problem in the configuration, reported the way compilers do so editors can jump to it. */
public record ZoneError(String file, int line, String reason) {
    @Override
    public String toString() {
        // Line 0: the problem is the file as a whole (unreadable, too large, a folder without zones).
        return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
    }
}
