package geodns.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.EventExecutor;

/**
 * One event loop's TCP connections, quietest first: a doubly linked list through the {@link OpenConnection}s,
 * changed only on that loop's thread (no lock); other threads read only {@link #oldest}.
 */
final class Recency {
    /** How many busy connections at the head a search for an idle one passes before it gives up. */
    private static final int SEARCH = 16;
    private final EventExecutor loop;
    private OpenConnection head;
    private OpenConnection tail;
    /** When the quietest connection was last active (System.nanoTime); Long.MAX_VALUE with none. */
    private volatile long oldest = Long.MAX_VALUE;

    Recency(EventExecutor loop) {
        this.loop = loop;
    }

    EventExecutor loop() {
        return loop;
    }

    long oldest() {
        return oldest;
    }

    void add(OpenConnection c) {
        c.recency = this;
        c.lastActive = System.nanoTime();
        link(c);
    }

    void touch(OpenConnection c) {
        c.lastActive = System.nanoTime();
        if (c != tail) {
            unlink(c);
            link(c);
        } else if (c == head) {
            oldest = c.lastActive;  // the only one: quietest and latest at once
        }
    }

    void remove(OpenConnection c) {
        if (c.recency == this) {
            unlink(c);
            c.recency = null;
        }
    }

    /**
     * Closes the quietest idle connection other than {@code except}; returns it, or null when there is none among
     * the first few (the busy ones passed go to the end: they are at work).
     */
    Channel closeQuietestIdle(Channel except) {
        OpenConnection c = head;
        for (int passed = 0; c != null && passed < SEARCH; passed++) {
            OpenConnection next = c.next;
            if (c.channel != except && c.channel.isActive()) {
                if (idle(c.channel)) {
                    remove(c);
                    c.channel.close();
                    return c.channel;
                }
                touch(c);
            }
            c = next;
        }
        return null;
    }

    /** Nothing unsent (no reply, no transfer still leaving, no query waiting on a slow reader). */
    private static boolean idle(Channel channel) {
        ChannelOutboundBuffer unsent = channel.unsafe().outboundBuffer();
        return unsent != null && unsent.totalPendingWriteBytes() == 0;
    }

    private void link(OpenConnection c) {
        c.previous = tail;
        c.next = null;
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
        if (head == c) {
            oldest = c.lastActive;
        }
    }

    private void unlink(OpenConnection c) {
        boolean wasHead = head == c;
        if (c.previous == null) {
            head = c.next;
        } else {
            c.previous.next = c.next;
        }
        if (c.next == null) {
            tail = c.previous;
        } else {
            c.next.previous = c.previous;
        }
        c.previous = null;
        c.next = null;
        if (wasHead) {
            oldest = head == null ? Long.MAX_VALUE : head.lastActive;
        }
    }
}
