package geodns.server.transport;

import geodns.server.answer.Answerer;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.function.BiConsumer;

/**
 * Answers each datagram; replies are written as they are made and flushed once per read batch. On a wildcard
 * socket each reply goes through {@link ReplySockets}, so that it leaves from the address that was asked.
 */
@ChannelHandler.Sharable
final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(UdpHandler.class);
    private final Answerer answerer;
    private final ReplySockets replySockets;

    private final BiConsumer<ChannelHandlerContext, DatagramPacket> reply = this::reply;

    /** @param replySockets null for sockets bound to one address, whose replies leave from it anyway */
    UdpHandler(Answerer answerer, ReplySockets replySockets) {
        this.answerer = answerer;
        this.replySockets = replySockets;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        MappedFileFault.once(reply, ctx, packet);
    }

    private void reply(ChannelHandlerContext ctx, DatagramPacket packet) {
        Scratch s = Scratch.current();
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        content.getBytes(content.readerIndex(), s.in, 0, length);
        int replyLength = answerer.answer(s.in, length, false, packet.sender().getAddress(), s.query, s.out);
        if (replyLength > 0) {
            ByteBuf reply = ctx.alloc().directBuffer(replyLength);
            reply.writeBytes(s.out, 0, replyLength);
            if (replySockets == null) {
                ctx.write(new DatagramPacket(reply, packet.sender()), ctx.voidPromise());  // no promise per reply
            } else {
                replySockets.send(ctx, packet.recipient(), new DatagramPacket(reply, packet.sender()));
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed send to one client (e.g. ICMP unreachable) must not close the socket for everyone.
        LOG.debug("udp: " + cause);
    }
}
