package geodns.server.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The admin paths, each matched exactly, and whether it is cheap enough to answer on the event loop. */
final class AdminRoutes {
    /** {@code post}: a change, asked for with POST and only from loopback; the others are GET (or HEAD). */
    record Route(Function<Map<String, String>, AdminReply> answer, boolean quick, boolean post) {}

    private final Map<String, Route> routes = new HashMap<>();

    /** Answered on the event loop: must never block nor take more than microseconds. */
    AdminRoutes quick(String path, Function<Map<String, String>, AdminReply> answer) {
        routes.put(path, new Route(answer, true, false));
        return this;
    }

    /** Answered on the pages thread. */
    AdminRoutes page(String path, Function<Map<String, String>, AdminReply> answer) {
        routes.put(path, new Route(answer, false, false));
        return this;
    }

    /**
     * A change, answered on the pages thread: POST only, so no link, prefetch or crawler makes it, and from a
     * loopback address only, because the admin port is often bound to every address (the DaemonSet's
     * 0.0.0.0:8053, for Prometheus and the kubelet): reads may be open to the cluster, changes are for someone
     * on the node itself, or coming through {@code kubectl port-forward}, which connects from the pod's loopback.
     */
    AdminRoutes post(String path, Function<Map<String, String>, AdminReply> answer) {
        routes.put(path, new Route(answer, false, true));
        return this;
    }

    /** The route of {@code path}, or null. */
    Route find(String path) {
        return routes.get(path);
    }
}
