package geodns.server.transport;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cap on open TCP connections. At the cap a new connection is not refused: the idle connection that has been
 * quiet longest is closed to make room for it. Refusing instead (NSD stops accepting at its cap, Knot too) lets a
 * crowd of idle connections, a few per address from many addresses, lock every other client out of TCP for as long
 * as they care to hold them; closing the quietest idle one costs a real client at most a reconnection.
 *
 * <p>Each event loop keeps its own connections in order of activity ({@link Recency}), touched only by its own
 * thread, so recording activity costs a few pointer writes and no lock; only the age of each loop's quietest
 * connection is shared (one volatile field per loop). Making room reads those (one per core), then closes the
 * quietest idle connection of that loop on that loop's thread. Idle: nothing unsent and nothing waiting to be
 * answered; a connection that is busy (a reply or transfer still leaving) is never closed for room. If that loop
 * has no idle connection near the head of its order, the next loop is tried; if none has, the newcomer is closed
 * instead, as before.
 */
final class ConnectionLimit {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    /** Each event loop's connections; looked up when a connection opens, never per query. */
    private final Map<EventExecutor, Recency> loops = new ConcurrentHashMap<>();

    ConnectionLimit(int max) {
        this.max = max;
    }

    /** A new connection's handler: it counts the connection and records its activity. */
    OpenConnection handler() {
        return new OpenConnection(this);
    }

    /** On the connection's event loop: counts it, and makes room when it is one too many. */
    void admit(OpenConnection connection) {
        connection.counted = true;
        loops.computeIfAbsent(connection.channel.eventLoop(), Recency::new).add(connection);
        if (open.incrementAndGet() > max) {
            makeRoom(connection.channel);
        }
    }

    void closed(OpenConnection connection) {
        if (connection.recency != null) {
            connection.recency.remove(connection);
        }
        if (connection.counted) {
            open.decrementAndGet();
        }
    }

    private void makeRoom(Channel newcomer) {
        makeRoom(newcomer, List.of());
    }

    /** Tries the loop whose quietest connection is quietest, then (if none of its is idle) the next one. */
    private void makeRoom(Channel newcomer, List<Recency> tried) {
        Recency quietest = null;
        for (Recency recency : loops.values()) {
            if (!tried.contains(recency) && (quietest == null || recency.oldest() < quietest.oldest())) {
                quietest = recency;
            }
        }
        if (quietest == null) {
            newcomer.close();
            LOG.debug("tcp: {} connections open and none idle: {} closed", max, newcomer.remoteAddress());
            return;
        }
        Recency victims = quietest;
        Runnable evict = () -> {
            Channel closed = victims.closeQuietestIdle(newcomer);
            if (closed == null) {
                List<Recency> now = new ArrayList<>(tried);
                now.add(victims);
                makeRoom(newcomer, now);
            } else {
                LOG.debug("tcp: {} connections open: {}, idle longest, closed for {}", max, closed.remoteAddress(),
                        newcomer.remoteAddress());
            }
        };
        if (victims.loop().inEventLoop()) {
            evict.run();
        } else {
            victims.loop().execute(evict);
        }
    }
}
