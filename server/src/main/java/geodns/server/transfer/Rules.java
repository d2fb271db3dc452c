package geodns.server.transfer;

import geodns.server.wire.Network;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Who may transfer a zone and whom to tell about changes.
 *
 * @param allow  the networks transfers are served to
 * @param key    the key every transfer request and NOTIFY must be signed with; null for none
 * @param secondaries the secondaries sent a NOTIFY when the zone's serial changes
 */
public record Rules(List<Network> allow, TsigKey key, List<InetSocketAddress> secondaries) {
    public Rules {
        allow = List.copyOf(allow);
        secondaries = List.copyOf(secondaries);
    }

    public boolean allows(InetAddress source) {
        return allow.stream().anyMatch(n -> n.contains(source));
    }
}
