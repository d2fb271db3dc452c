package geodns.server.route;

/**
 * A client's locations for one geo name, most preferred first, and the ECS scope: how many leading bits of the
 * client's address this ranking holds for (RFC 7871 §7.2.1).
 */
public record Route(int[] order, int scopePrefix) {}
