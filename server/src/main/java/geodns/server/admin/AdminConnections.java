package geodns.server.admin;

import io.netty.channel.Channel;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The open admin connections, oldest first, at most {@code max}: a new one closes the oldest rather than being
 * refused, so whoever holds connections open cannot lock a kubelet probe out; the probe's connection is the
 * newest and gets its answer before it would be the oldest. Touched on the one event loop thread only.
 */
final class AdminConnections {
    private final int max;
    private final Set<Channel> open = new LinkedHashSet<>();

    AdminConnections(int max) {
        this.max = max;
    }

    void opened(Channel channel) {
        if (open.size() >= max) {
            Channel oldest = open.iterator().next();
            open.remove(oldest);
            oldest.close();
        }
        open.add(channel);
        channel.closeFuture().addListener(f -> open.remove(channel));
    }
}
