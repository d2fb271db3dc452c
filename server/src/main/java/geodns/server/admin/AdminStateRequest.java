package geodns.server.admin;

import geodns.server.health.AdminState;
import geodns.server.health.AdminStateReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /admin-state?node=lon-1&state=drain[&reason=...][&until=TIME|&for=30m]} (or {@code location=}),
 * {@code state=clear} to remove what HTTP set. Accepted from loopback only (see {@link AdminRoutes#post}).
 */
final class AdminStateRequest {
    private static final Pattern FOR = Pattern.compile("([0-9]{1,9})([smhd])");
    private static final String USAGE = "POST /admin-state?node=NAME (or location=NAME)&state=drain|force-up|"
            + "force-down|clear [&reason=TEXT] [&until=2026-12-08T06:00:00Z or &for=30m]\n";

    private AdminStateRequest() {}

    static AdminReply answer(Map<String, String> params, AdminStateChanges changes) {
        String node = params.get("node");
        String location = params.get("location");
        String word = params.get("state");
        if ((node == null) == (location == null) || word == null) {
            return AdminReply.text(400, "name one node or one location, and a state: " + USAGE);
        }
        AdminState.Entry entry = null;
        if (!word.equals("clear")) {
            AdminState.State state = AdminState.State.of(word);
            if (state == null) {
                return AdminReply.text(400, "'" + word + "' is not a state: " + USAGE);
            }
            Instant until;
            try {
                until = until(params.get("until"), params.get("for"));
            } catch (IllegalArgumentException e) {
                return AdminReply.text(400, e.getMessage() + ": " + USAGE);
            }
            String reason = params.get("reason");
            if (reason != null && (reason.isBlank() || reason.length() > 200)) {
                return AdminReply.text(400, "a reason is 1 to 200 characters\n");
            }
            entry = new AdminState.Entry(state, reason, until, "http");
        }
        try {
            return AdminReply.text(200, changes.set(location != null, location != null ? location : node, entry));
        } catch (IllegalArgumentException e) {
            return AdminReply.text(404, e.getMessage() + "\n");
        } catch (IllegalStateException e) {
            return AdminReply.text(503, e.getMessage() + "\n");
        } catch (java.io.UncheckedIOException e) {
            return AdminReply.text(500, e.getMessage() + "; nothing changed\n");
        }
    }

    private static Instant until(String until, String forText) {
        if (until != null && forText != null) {
            throw new IllegalArgumentException("until or for, not both");
        }
        if (until != null) {
            Instant at = AdminStateReader.instant(until);
            if (at == null) {
                throw new IllegalArgumentException("until must be a time like 2026-12-08T06:00:00Z");
            }
            return at;
        }
        if (forText != null) {
            Matcher m = FOR.matcher(forText);
            if (!m.matches()) {
                throw new IllegalArgumentException("for must be a number and s, m, h or d, like 30m");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Instant.now().plus(d);
        }
        return null;
    }
}
