package geodns.server.transport;

import geodns.server.answer.Answerer;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.function.BiConsumer;

/**
 * Answers length-prefixed queries (RFC 1035 §4.2.2) in the order they arrive; pipelined queries are answered
 * one after another and flushed together (RFC 7766 §6.2.1). Idle connections are closed (RFC 7766 §6.2.3).
 * A zone transfer is a stream of messages (RFC 5936 §2.2), handed to the ChunkedWriteHandler before this one.
 */
@ChannelHandler.Sharable
final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(TcpHandler.class);
    private final Answerer answerer;

    private final BiConsumer<ChannelHandlerContext, ByteBuf> reply = this::reply;

    TcpHandler(Answerer answerer) {
        this.answerer = answerer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        MappedFileFault.once(reply, ctx, frame);
    }

    private void reply(ChannelHandlerContext ctx, ByteBuf frame) {
        Scratch s = Scratch.current();
        int length = frame.readableBytes();
        frame.getBytes(frame.readerIndex(), s.in, 0, length);
        int replyLength = answerer.answer(s.in, length, true, remote(ctx), s.query, s.out);
        if (replyLength == Answerer.STREAM) {
            // Many messages: written as the connection drains, so a big zone neither floods memory nor holds
            // the event loop; queries pipelined behind it are answered after it (ChunkedWriteHandler keeps order).
            ctx.write(new ChunkedTransfer(answerer.stream(s.in, length, remote(ctx), s.query, s.out)));
        } else if (replyLength > 0) {
            ByteBuf reply = ctx.alloc().directBuffer(replyLength + 2);
            reply.writeShort(replyLength);
            reply.writeBytes(s.out, 0, replyLength);
            ctx.write(reply);
        }
    }

    private static java.net.InetAddress remote(ChannelHandlerContext ctx) {
        return ((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("tcp " + ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }
}
