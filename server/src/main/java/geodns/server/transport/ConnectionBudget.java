package geodns.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What one TCP connection may use, one instance per connection, between the frame decoder and {@link TcpHandler}:
 * <ul>
 * <li>at most {@code maxQueries} queries: after the reply to the last one the connection is closed, as Knot and
 *     NSD do, so a client cannot keep one for ever (frames pipelined past the budget are not answered);</li>
 * <li>at most {@code lifetimeSeconds} in all, however busy: a client that drips a frame byte by byte, just often
 *     enough to beat the idle timer, is closed all the same;</li>
 * <li>no answering and no reading while the channel is not writable (unsent replies above the write buffer's
 *     high-water mark): a client that sends queries but never reads the replies cannot make the server buffer
 *     them without bound. Frames already read wait (at most one read's worth) until the client catches up;
 *     with nothing read and nothing written the idle timer closes the connection.</li>
 * </ul>
 * 0 turns the query and lifetime budgets off.
 */
final class ConnectionBudget extends ChannelInboundHandlerAdapter {
    private final int maxQueries;
    private final int lifetimeSeconds;
    private int queries;
    private boolean closing;
    private ScheduledFuture<?> lifetime;
    /** Frames read while the channel was not writable, answered in order once it is. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();

    ConnectionBudget(int maxQueries, int lifetimeSeconds) {
        this.maxQueries = maxQueries;
        this.lifetimeSeconds = lifetimeSeconds;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (lifetimeSeconds > 0) {
            lifetime = ctx.executor().schedule(() -> closeAfterReplies(ctx), lifetimeSeconds, TimeUnit.SECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object frame) {
        if (closing) {
            ReferenceCountUtil.release(frame);
        } else if (!ctx.channel().isWritable() || !waiting.isEmpty()) {
            waiting.add(frame);
        } else {
            answer(ctx, frame);
        }
    }

    private void answer(ChannelHandlerContext ctx, Object frame) {
        queries++;
        ctx.fireChannelRead(frame);
        if (maxQueries > 0 && queries >= maxQueries) {
            closeAfterReplies(ctx);
        }
    }

    /** Stops reading, and closes once the replies written so far have left. */
    private void closeAfterReplies(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        closing = true;
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        if (writable && !waiting.isEmpty()) {
            while (!closing && ctx.channel().isWritable() && !waiting.isEmpty()) {
                answer(ctx, waiting.poll());
            }
            ctx.flush(); // TcpHandler flushes at the end of a read; these replies come after none
        }
        ctx.channel().config().setAutoRead(ctx.channel().isWritable() && waiting.isEmpty() && !closing);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (lifetime != null) {
            lifetime.cancel(false);
        }
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        ctx.fireChannelInactive();
    }
}
