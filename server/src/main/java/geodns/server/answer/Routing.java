package geodns.server.answer;

/** Ranks geo names' locations for client addresses. Implementations are immutable and safe for all threads. */
public interface Routing {
    /**
     * @param geoName index of the geo name in the geo config
     * @param family  1 for IPv4, 2 for IPv6 (as in ECS)
     * @param address the client's address bytes (4 or 16 used), zero past {@code prefix}
     * @param prefix  how many leading bits of {@code address} are known
     */
    Route route(int geoName, int family, byte[] address, int prefix);
}
