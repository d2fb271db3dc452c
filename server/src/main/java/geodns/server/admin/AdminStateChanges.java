package geodns.server.admin;

import geodns.server.health.AdminState;

/** What {@code POST /admin-state} changes: the top, which keeps the state in a file and rebuilds the snapshot. */
public interface AdminStateChanges {
    /**
     * Sets (entry) or clears (null) the admin state of a node or location; returns what now applies to it.
     *
     * @throws IllegalArgumentException for a node or location the config does not have
     * @throws IllegalStateException    when it cannot be set (no file to keep it in)
     */
    String set(boolean location, String name, AdminState.Entry entry);
}
