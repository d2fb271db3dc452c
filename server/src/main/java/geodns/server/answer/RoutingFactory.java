package geodns.server.answer;

import java.util.List;

/** Makes the routing for a new snapshot from its geo names' policies (index = geo name's index). */
public interface RoutingFactory {
    Routing create(List<GeoPolicy> policies);
}
