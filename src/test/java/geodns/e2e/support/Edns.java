package geodns.e2e.support;

/** The OPT pseudo-record of a reply: EDNS version, advertised UDP payload size, the flag names that are set. */
public record Edns(int version, int udp, String flags) {
}
