package geodns.server.transport;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the replies of a wildcard UDP listener on Netty leave from. Netty's epoll channel tells a datagram's
 * destination (IP_RECVORIGDSTADDR) but sends with the socket's own address, which on a wildcard socket the kernel
 * picks: on a node with several addresses a resolver that asked another one drops the reply. So the first query
 * to an address binds sockets to that address and port (SO_REUSEPORT, beside the wildcard ones) and its reply
 * leaves through them; from then on the kernel hands that address's queries to those sockets, the more specific
 * match, and the wildcard sockets see only addresses new to them. The native transport does the same per packet
 * with IP_PKTINFO instead.
 *
 * <p>Netty reports the destination of IPv4 datagrams only (its epoll transport reads IP_ORIGDSTADDR, not
 * IPV6_ORIGDSTADDR). So an IPv6 listener binds sockets for each of the node's IPv6 addresses when it starts, and
 * again for any new one whenever a query reaches the wildcard sockets (at most once a second); that query's
 * reply leaves from the wildcard socket, and if the kernel's pick is not the address asked, the resolver's retry
 * reaches the new sockets. Link-local addresses are left to the wildcard sockets: a node has one per interface
 * (a k3s node one per pod's veth), and for a link-local client the kernel picks the link's own.
 */
final class ReplySockets {
    private static final Logger LOG = LoggerFactory.getLogger(ReplySockets.class);
    /**
     * Addresses given sockets of their own, at most: a node has a handful, and a prefix routed to it whole
     * (AnyIP) must not make every query to a new address open sockets.
     */
    static final int MAX_ADDRESSES = 64;

    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final int port;
    private final boolean ipv6;
    private volatile long lastRefresh = System.nanoTime() - REFRESH_NANOS;
    private final Function<InetSocketAddress, ChannelFuture> bind;
    private final Map<InetAddress, ChannelFuture> sockets = new ConcurrentHashMap<>();
    private volatile boolean fullWarned;

    /** @param bind binds the UDP sockets for an address and returns the first one's bind */
    ReplySockets(InetSocketAddress wildcard, Function<InetSocketAddress, ChannelFuture> bind) {
        this.port = wildcard.getPort();
        this.ipv6 = wildcard.getAddress() instanceof Inet6Address;
        this.bind = bind;
        if (ipv6) {
            refresh();
        }
    }

    /** Sends {@code reply} to a query that arrived at {@code destination}, from that address. */
    void send(ChannelHandlerContext ctx, InetSocketAddress destination, DatagramPacket reply) {
        InetAddress address = destination == null ? null : destination.getAddress();
        ChannelFuture bound = address == null || address.isAnyLocalAddress() ? null : socketsFor(address);
        if (bound == null && ipv6) {
            refresh();
        }
        if (bound == null) {
            ctx.writeAndFlush(reply, ctx.voidPromise());
        } else if (bound.isDone()) {
            send(ctx, bound, reply);
        } else {
            bound.addListener(f -> send(ctx, bound, reply));
        }
    }

    private ChannelFuture socketsFor(InetAddress address) {
        ChannelFuture known = sockets.get(address);
        if (known != null || sockets.size() >= MAX_ADDRESSES) {
            if (known == null && !fullWarned) {
                fullWarned = true;
                LOG.warn("udp port {}: queries to more than {} addresses; replies to the others leave from the "
                        + "address the kernel picks", port, MAX_ADDRESSES);
            }
            return known;
        }
        return sockets.computeIfAbsent(address, a -> {
            ChannelFuture future = bind.apply(new InetSocketAddress(a, port));
            future.addListener(f -> {
                if (f.isSuccess()) {
                    LOG.info("udp {}: sockets of its own, so that its replies leave from it",
                            DnsServer.format(new InetSocketAddress(a, port)));
                } else {
                    LOG.warn("udp {}: cannot bind sockets for replies from it, they leave from the address the "
                            + "kernel picks: {}", DnsServer.format(new InetSocketAddress(a, port)), f.cause());
                }
            });
            return future;
        });
    }

    /** Binds sockets for each address of the node (of this listener's family) that has none yet. */
    private void refresh() {
        long now = System.nanoTime();
        if (now - lastRefresh < REFRESH_NANOS) {
            return;
        }
        lastRefresh = now;
        try {
            for (NetworkInterface link : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(link.getInetAddresses())) {
                    if (address instanceof Inet6Address == ipv6 && !address.isLinkLocalAddress()) {
                        socketsFor(withoutScope(address));
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("udp port {}: cannot list the node's addresses: {}", port, e.toString());
        }
    }

    /** The address as a query's destination names it: without the interface NetworkInterface adds. */
    private static InetAddress withoutScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);  // only for a length other than 4 or 16
        }
    }

    private static void send(ChannelHandlerContext ctx, ChannelFuture bound, DatagramPacket reply) {
        if (bound.isSuccess() && bound.channel().isActive()) {
            bound.channel().writeAndFlush(reply, bound.channel().voidPromise());
        } else {
            ctx.writeAndFlush(reply, ctx.voidPromise());
        }
    }
}
