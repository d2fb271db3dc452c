package geodns.server.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The admin paths, each matched exactly, and whether it is cheap enough to answer on the event loop. */
final class AdminRoutes {
    record Route(Function<Map<String, String>, AdminReply> answer, boolean quick) {}

    private final Map<String, Route> routes = new HashMap<>();

    /** Answered on the event loop: must never block nor take more than microseconds. */
    AdminRoutes quick(String path, Function<Map<String, String>, AdminReply> answer) {
        routes.put(path, new Route(answer, true));
        return this;
    }

    /** Answered on the pages thread. */
    AdminRoutes page(String path, Function<Map<String, String>, AdminReply> answer) {
        routes.put(path, new Route(answer, false));
        return this;
    }

    /** The route of {@code path}, or null. */
    Route find(String path) {
        return routes.get(path);
    }
}
