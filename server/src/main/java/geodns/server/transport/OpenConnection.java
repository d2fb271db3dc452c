package geodns.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One TCP connection as {@link ConnectionLimit} sees it: counted while open, and a node in its event loop's
 * {@link Recency}, moved to the end on every read. Before the frame decoder, so a read is one touch however
 * many queries it holds.
 */
final class OpenConnection extends ChannelInboundHandlerAdapter {
    private final ConnectionLimit limit;
    Channel channel;
    boolean counted;
    /** Its event loop's order; null until admitted. The links and time below belong to that loop's thread. */
    Recency recency;
    OpenConnection previous;
    OpenConnection next;
    long lastActive;

    OpenConnection(ConnectionLimit limit) {
        this.limit = limit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        limit.admit(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object bytes) {
        if (recency != null) {
            recency.touch(this);
        }
        ctx.fireChannelRead(bytes);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        limit.closed(this);
        ctx.fireChannelInactive();
    }
}
