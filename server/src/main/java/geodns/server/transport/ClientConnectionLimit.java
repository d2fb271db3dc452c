package geodns.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes a client's connections beyond its cap at once, so one client cannot take the whole global cap
 * ({@link ConnectionLimit}). A client is one IPv4 address or one IPv6 /64 (what one host can trivially hold).
 * The map only holds clients with open connections, so it is bounded by the global cap; it is touched on
 * connect and close, never per query.
 */
@ChannelHandler.Sharable
final class ClientConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<Client> COUNTED = AttributeKey.valueOf("geodns.tcp.client");
    private final int max;
    private final ConcurrentHashMap<Client, Integer> open = new ConcurrentHashMap<>();

    /** One IPv4 address, or the first 64 bits of an IPv6 address. */
    record Client(boolean v6, long bits) {
        static Client of(InetAddress address) {
            byte[] b = address.getAddress();
            long bits = 0;
            for (int i = 0; i < Math.min(8, b.length); i++) {
                bits = bits << 8 | b[i] & 0xff;
            }
            return new Client(!(address instanceof Inet4Address), bits);
        }
    }

    ClientConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Client client = Client.of(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        ctx.channel().attr(COUNTED).set(client);
        if (open.merge(client, 1, Integer::sum) > max) {
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Connections the global cap closed before this handler saw them were never counted.
        Client client = ctx.channel().attr(COUNTED).getAndSet(null);
        if (client != null) {
            open.computeIfPresent(client, (c, n) -> n == 1 ? null : n - 1);
        }
        ctx.fireChannelInactive();
    }
}
