package geodns.geoip;

/**
 * Told of each lookup that failed because of the database, not the address: the lookup answered "unknown" for
 * that address, and someone should know. Called on the looking-up thread; must be quick and never throw.
 */
@FunctionalInterface
public interface LookupFaults {
    /** A node of the search tree points past the tree and the data (garbage in the tree). */
    String SEARCH_TREE = "search_tree";
    /** The record a network points at does not decode (garbage in the data section, a wrong field type). */
    String RECORD = "record";
    /** The JVM reported a fault reading the mapped file: it was cut short under us. */
    String FILE_FAULT = "file_fault";

    LookupFaults IGNORE = (reason, cause) -> { };

    /** @param reason one of the constants above */
    void failed(String reason, Throwable cause);
}
