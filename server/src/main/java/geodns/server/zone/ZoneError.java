package geodns.server.zone;

/** One problem in the configuration, reported the way compilers do so editors can jump to it. */
public record ZoneError(String file, int line, String reason) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + reason;
    }
}
