package geodns.server.transport;

import geodns.server.answer.Answerer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP and TCP listeners on every address. UDP gets one SO_REUSEPORT socket per core, so the kernel spreads
 * datagrams over the cores: on our own recvmmsg/sendmmsg threads ({@link NativeUdpListener}) where the native
 * library loads, else on Netty's epoll event loops; without epoll, NIO with one socket. TCP is Netty's.
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

    private final boolean epoll = Epoll.isAvailable();
    private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private final EventLoopGroup workers;
    private final EventLoopGroup acceptor;
    private final List<Channel> channels = new ArrayList<>();
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
        this.udp = new UdpHandler(answerer);
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
            for (int i = 0; i < udpSockets; i++) {
                channels.add(udpBootstrap().bind(address).sync().channel());
            }
        }
        channels.add(tcpBootstrap().bind(address).sync().channel());
        LOG.info("listening on udp+tcp {} (udp: {}, {} sockets; tcp: {})", format(address),
                nativeUdp ? "recvmmsg" : epoll ? "epoll" : "nio", udpSockets, epoll ? "epoll" : "nio");
    }

    private Bootstrap udpBootstrap() {
        Bootstrap b = new Bootstrap().group(workers).handler(udp);
        if (epoll) {
            // recvmmsg: one system call reads up to a batch of datagrams, each into its own slot; replies
            // written in the same read batch leave together through sendmmsg when the batch is flushed.
            b.channel(EpollDatagramChannel.class).option(EpollChannelOption.SO_REUSEPORT, true)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, NativeUdpListener.MAX_QUERY)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(NativeUdpListener.MAX_QUERY * NativeUdpLoop.BATCH));
        } else {
            // NIO's default reads 2,048 bytes of a datagram and drops the rest.
            b.channel(NioDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(NativeUdpListener.MAX_QUERY));
        }
        return b.option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20);
    }

    private ServerBootstrap tcpBootstrap() {
        ServerBootstrap b = new ServerBootstrap().group(acceptor, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_BUFFER)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // The client's cap first: a connection it closes takes no room in the global cap.
                        ch.pipeline().addLast(clientConnectionLimit, connectionLimit.handler(),
                                new IdleStateHandler(0, 0, limits.tcpIdleSeconds(), TimeUnit.SECONDS),
                                // The maximum counts the 2-byte length field: a 65,535-byte message is a 65,537-byte frame.
                                new LengthFieldBasedFrameDecoder(2 + 65535, 0, 2, 0, 2),
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

    static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
