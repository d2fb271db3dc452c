package geodns.server.transport;

import geodns.server.answer.Answerer;
import geodns.server.wire.Codes;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP and TCP listeners on every address. UDP gets one SO_REUSEPORT socket per core, so the kernel spreads
 * datagrams over the cores: on our own recvmmsg/sendmmsg threads ({@link NativeUdpListener}) where the native
 * library loads, else on Netty's epoll event loops; without epoll, NIO with one socket. TCP is Netty's.
 *
 * <p>A reply leaves from the address its query was sent to, also on a wildcard listener (0.0.0.0, ::) of a node
 * with several addresses: by IP_PKTINFO on the native transport, by {@link ReplySockets} on Netty's, and by the
 * accepted connection's own address on TCP. An IPv6 socket takes IPv6 only, so that 0.0.0.0 and :: can share a
 * port and each family is served by its own sockets.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);

    /**
     * TCP limits: RFC 7766 §6.2.3 idle timeout, caps on open connections in all and per client, and what one
     * connection may use (queries, seconds; 0 for no limit). See {@link ConnectionBudget}.
     */
    public record Limits(int tcpIdleSeconds, int tcpMaxConnections, int tcpMaxConnectionsPerClient,
                         int tcpMaxQueries, int tcpLifetimeSeconds) {
        public static Limits defaults() {
            return new Limits(10, 1000, 16, 0, 120);
        }
    }

    /** Above this many bytes of unsent replies a connection stops being read until the client catches up. */
    private static final WriteBufferWaterMark WRITE_BUFFER = new WriteBufferWaterMark(64 << 10, 256 << 10);
    /**
     * Netty makes its IPv6 sockets dual-stack (IPV6_V6ONLY off); ours take IPv6 only, as Knot's and NSD's do, so
     * that [::]:53 binds beside 0.0.0.0:53 (numbers from linux/in6.h).
     */
    private static final IntegerUnixChannelOption IPV6_V6ONLY = new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);

    private final boolean epoll = Epoll.isAvailable();
    private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private final EventLoopGroup workers;
    private final EventLoopGroup acceptor;
    /** Written by the event loops too: {@link ReplySockets} binds sockets when a new address is first asked. */
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final boolean nativeUdp;
    private final List<NativeUdpListener> nativeListeners = new ArrayList<>();
    private final Answerer answerer;
    private final UdpHandler udp;
    private final TcpHandler tcp;
    private final ConnectionLimit connectionLimit;
    private final ClientConnectionLimit clientConnectionLimit;
    private final Limits limits;

    public DnsServer(Answerer answerer, Limits limits) {
        this(answerer, limits, true);
    }

    /** @param nativeUdp UDP on our own recvmmsg/sendmmsg threads when the library loads; false: always Netty */
    public DnsServer(Answerer answerer, Limits limits, boolean nativeUdp) {
        String unavailable = NativeUdp.unavailable();
        if (nativeUdp && unavailable != null) {
            LOG.warn("native UDP transport unavailable, UDP goes through Netty: {}", unavailable);
        }
        this.nativeUdp = nativeUdp && unavailable == null;
        this.answerer = answerer;
        this.limits = limits;
        this.workers = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        this.acceptor = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.udp = new UdpHandler(answerer, null);
        this.tcp = new TcpHandler(answerer);
        this.connectionLimit = new ConnectionLimit(limits.tcpMaxConnections());
        this.clientConnectionLimit = new ClientConnectionLimit(limits.tcpMaxConnectionsPerClient());
    }

    /** Binds UDP and TCP on {@code address}; throws when either cannot be bound. */
    public void listen(InetSocketAddress address) throws InterruptedException, BindException {
        int udpSockets = nativeUdp || epoll ? threads : 1;
        if (nativeUdp) {
            nativeListeners.add(NativeUdpListener.bind(address, udpSockets, answerer));
        } else {
            boolean wildcard = epoll && address.getAddress().isAnyLocalAddress();
            UdpHandler handler = wildcard
                    ? new UdpHandler(answerer, new ReplySockets(address, this::bindReplySockets)) : udp;
            for (int i = 0; i < udpSockets; i++) {
                channels.add(udpBootstrap(address, handler, wildcard).bind(address).sync().channel());
            }
        }
        channels.add(tcpBootstrap(address).bind(address).sync().channel());
        LOG.info("listening on udp+tcp {} (udp: {}, {} sockets; tcp: {})", format(address),
                nativeUdp ? "recvmmsg" : epoll ? "epoll" : "nio", udpSockets, epoll ? "epoll" : "nio");
    }

    /** The UDP sockets of one address for {@link ReplySockets}, beside the wildcard ones; the first one's bind. */
    private ChannelFuture bindReplySockets(InetSocketAddress address) {
        ChannelFuture first = null;
        for (int i = 0; i < threads; i++) {
            ChannelFuture bound = udpBootstrap(address, udp, false).bind(address);
            channels.add(bound.channel());
            first = first == null ? bound : first;
        }
        return first;
    }

    /** @param wildcard a wildcard socket: told each datagram's destination, for {@link ReplySockets} */
    private Bootstrap udpBootstrap(InetSocketAddress address, UdpHandler handler, boolean wildcard) {
        Bootstrap b = new Bootstrap().group(workers).handler(handler);
        if (epoll) {
            InternetProtocolFamily family = family(address);
            // recvmmsg: one system call reads up to a batch of datagrams, each into its own slot; replies
            // written in the same read batch leave together through sendmmsg when the batch is flushed.
            b.channelFactory((ChannelFactory<Channel>) () -> new EpollDatagramChannel(family))
                    .option(EpollChannelOption.SO_REUSEPORT, true)
                    // A wildcard socket reads one datagram per call: Netty tells a datagram's destination
                    // (IP_RECVORIGDSTADDR) on that path only, and once ReplySockets has bound an address's own
                    // sockets the kernel hands them its queries, so few reach a wildcard socket.
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, wildcard ? 0 : NativeUdpListener.MAX_QUERY)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                            wildcard ? NativeUdpListener.MAX_QUERY : NativeUdpListener.MAX_QUERY * NativeUdpLoop.BATCH));
            if (family == InternetProtocolFamily.IPv6) {
                b.option(IPV6_V6ONLY, 1);
            }
            if (wildcard && family == InternetProtocolFamily.IPv4) {
                b.option(EpollChannelOption.IP_RECVORIGDSTADDR, true);
            }
        } else {
            // NIO's default reads 2,048 bytes of a datagram and drops the rest.
            b.channel(NioDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(NativeUdpListener.MAX_QUERY));
        }
        return b.option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20);
    }

    private ServerBootstrap tcpBootstrap(InetSocketAddress address) {
        ServerBootstrap b = new ServerBootstrap().group(acceptor, workers);
        if (epoll) {
            InternetProtocolFamily family = family(address);
            b.channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> new EpollServerSocketChannel(family));
            if (family == InternetProtocolFamily.IPv6) {
                b.option(IPV6_V6ONLY, 1);
            }
        } else {
            b.channel(NioServerSocketChannel.class);
        }
        b.option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_BUFFER)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // The client's cap first: a connection it closes takes no room in the global cap.
                        ch.pipeline().addLast(clientConnectionLimit, connectionLimit.handler(),
                                new IdleStateHandler(0, 0, limits.tcpIdleSeconds(), TimeUnit.SECONDS),
                                // The maximum counts the 2-byte length field: a 65,535-byte message is a 65,537-byte frame.
                                new LengthFieldBasedFrameDecoder(2 + Codes.MAX_MESSAGE, 0, 2, 0, 2),
                                // Before the budget: its closing write then queues behind a transfer still leaving.
                                new ChunkedWriteHandler(),
                                new ConnectionBudget(limits.tcpMaxQueries(), limits.tcpLifetimeSeconds()),
                                tcp);
                    }
                });
        return b;
    }

    /** Stops reading new queries, lets the event loops finish what they hold, then releases the threads. */
    @Override
    public void close() {
        nativeListeners.forEach(NativeUdpListener::close);
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        acceptor.shutdownGracefully(0, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private static InternetProtocolFamily family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4;
    }

    static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
