package geodns.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What one TCP connection may use, one instance per connection, between the frame decoder and {@link TcpHandler}:
 * <ul>
 * <li>at most {@code maxQueries} queries, then the connection ends: reading stops, and every query already read
 *     (those that came in the same read as the last one of the budget, those waiting for a slow reader) is
 *     answered before it ends, so no query the server took in is dropped;</li>
 * <li>at most {@code lifetimeSeconds} in all, however busy: a client that drips a frame byte by byte, just often
 *     enough to beat the idle timer, is closed all the same (ending as above);</li>
 * <li>no answering and no reading while the channel is not writable (unsent replies above the write buffer's
 *     high-water mark): a client that sends queries but never reads the replies cannot make the server buffer
 *     them without bound. Frames already read wait (at most one read's worth) until the client catches up;
 *     with nothing read and nothing written the idle timer closes the connection.</li>
 * </ul>
 * A connection ends with a FIN after its last reply (half-close), and what the client sends after that is read and
 * discarded until it closes too, for at most {@link #LINGER_SECONDS}: closing with unread bytes would make the
 * kernel send a reset, which throws away replies still on their way. 0 turns the query and lifetime budgets off.
 */
final class ConnectionBudget extends ChannelInboundHandlerAdapter {
    static final int LINGER_SECONDS = 5;
    private final int maxQueries;
    private final int lifetimeSeconds;
    private int queries;
    /** The budget is spent: nothing more is read; what was read is still answered. */
    private boolean spent;
    /** Every reply has been written: the connection is on its way out, anything read now is discarded. */
    private boolean closing;
    private ScheduledFuture<?> lifetime;
    private ScheduledFuture<?> linger;
    /** Frames read while the channel was not writable, answered in order once it is. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();

    ConnectionBudget(int maxQueries, int lifetimeSeconds) {
        this.maxQueries = maxQueries;
        this.lifetimeSeconds = lifetimeSeconds;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (lifetimeSeconds > 0) {
            lifetime = ctx.executor().schedule(() -> spend(ctx), lifetimeSeconds, TimeUnit.SECONDS);
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
        if (maxQueries > 0 && queries >= maxQueries && !spent) {
            spent = true;
            ctx.channel().config().setAutoRead(false);  // frames of this read still come, and are answered
        }
    }

    /** Stops reading; the connection ends once what was read is answered. */
    private void spend(ChannelHandlerContext ctx) {
        spent = true;
        ctx.channel().config().setAutoRead(false);
        endIfAnswered(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();  // TcpHandler flushes this read's replies
        endIfAnswered(ctx);
    }

    /** Once the budget is spent and no frame waits: a FIN after the replies written so far have left. */
    private void endIfAnswered(ChannelHandlerContext ctx) {
        if (!spent || closing || !waiting.isEmpty()) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (!written.isSuccess() || !(ctx.channel() instanceof DuplexChannel duplex)) {
                ctx.close();
                return;
            }
            duplex.shutdownOutput().addListener(shut -> {
                if (!shut.isSuccess()) {
                    ctx.close();
                    return;
                }
                // Drain until the client closes (the channel then closes itself), or the linger time is over.
                linger = ctx.executor().schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS);
                ctx.channel().config().setAutoRead(true);
            });
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        if (writable && !waiting.isEmpty()) {
            while (!closing && ctx.channel().isWritable() && !waiting.isEmpty()) {
                answer(ctx, waiting.poll());
            }
            ctx.flush(); // TcpHandler flushes at the end of a read; these replies come after none
            endIfAnswered(ctx);
        }
        if (!closing) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable() && waiting.isEmpty() && !spent);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {lifetime, linger}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
        ctx.fireChannelInactive();
    }
}
