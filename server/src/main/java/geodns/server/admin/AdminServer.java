package geodns.server.admin;

import geodns.server.health.PeerView;
import geodns.server.health.SharedHealth;
import geodns.server.metrics.Metrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin HTTP port, never the DNS port: liveness and readiness for Kubernetes, Prometheus metrics, the
 * status page and its JSON, and the explain page.
 *
 * <p>On Netty rather than the JDK's HttpServer: that one reads each request on its executor's thread with no
 * read timeout, so one client that sends half a request held its only thread, and /healthz with it, for as long
 * as it liked; a thread per connection instead would let many slow clients cost a thread each. Here one event
 * loop parses every connection's bytes as they come, nothing blocks on a client, and each connection has
 * bounded time and size: a whole request within {@link #REQUEST_SECONDS} of the connection falling idle, a
 * request head of at most 8 KiB, a response written within {@link #WRITE_SECONDS}, and at most
 * {@link #MAX_CONNECTIONS} connections, the oldest closed to make room (see {@link AdminConnections}).
 * /healthz and /readyz are answered on the event loop itself; the pages that take real work (a scrape, the
 * status page, an explanation) on a thread of their own, so a slow or stuck page never delays liveness.
 */
public final class AdminServer implements AutoCloseable {
    /** The time a connection has to send one complete request once it is open or its last answer was sent. */
    static final int REQUEST_SECONDS = 10;
    /** The time one answer may take to be written: a client that stops reading is closed. */
    static final int WRITE_SECONDS = 10;
    /** Kubelet probes, a Prometheus or two and a few people: more than this is someone holding connections. */
    static final int MAX_CONNECTIONS = 64;
    private static final int MAX_LINE = 4096;
    private static final int MAX_HEADERS = 8192;
    private static final int MAX_BODY = 8192;

    private final EventLoopGroup loop;
    private final ExecutorService pages;
    private final Channel server;

    public AdminServer(InetSocketAddress address, BooleanSupplier ready, Metrics metrics, Explainer explainer,
                       Supplier<Status> status) throws IOException {
        this(address, ready, metrics, explainer, status, nonce -> null);
    }

    /**
     * @param peerView this instance's own health view signed for a peer that sent {@code nonce} (shared health),
     *                 null while sharing is off
     */
    public AdminServer(InetSocketAddress address, BooleanSupplier ready, Metrics metrics, Explainer explainer,
                       Supplier<Status> status, Function<String, SharedHealth.Signed> peerView) throws IOException {
        boolean epoll = Epoll.isAvailable();
        loop = epoll ? new EpollEventLoopGroup(1, new DefaultThreadFactory("admin-http", true))
                : new NioEventLoopGroup(1, new DefaultThreadFactory("admin-http", true));
        pages = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "admin-pages");
            t.setDaemon(true);
            return t;
        });
        AdminRoutes routes = new AdminRoutes()
                .quick("/healthz", params -> AdminReply.text(200, "ok\n"))
                .quick("/readyz", params -> ready.getAsBoolean() ? AdminReply.text(200, "ready\n")
                        : AdminReply.text(503, "not ready\n"))
                .page("/metrics", params -> new AdminReply(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.scrape()))
                .page("/explain", params -> explain(params, explainer, () -> status.get().sharing()))
                // On the loop: a few microseconds (the own view and one HMAC), and a peer's fetch has a deadline.
                .quick(PeerView.PATH, params -> peerView(params, peerView))
                .page("/status.json", params -> new AdminReply(200, "application/json", Json.write(status.get().toJson())))
                .page("/status", params -> new AdminReply(200, "text/html; charset=utf-8",
                        StatusPage.html(status.get())));
        AdminConnections connections = new AdminConnections(MAX_CONNECTIONS);
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A few small requests a second: not worth a pool arena of its own (4 MiB chunks) for this thread.
                .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.opened(channel);
                        channel.pipeline()
                                .addLast(new WriteTimeoutHandler(WRITE_SECONDS))
                                .addLast(new HttpServerCodec(MAX_LINE, MAX_HEADERS, MAX_BODY))
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new AdminHandler(routes, pages, REQUEST_SECONDS));
                    }
                });
        try {
            server = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) {
            close();
            // Netty rethrows the bind's own exception unchecked; the caller names the address (Main.BindFailure).
            BindException failed = new BindException(e.getMessage());
            failed.initCause(e);
            throw failed;
        }
    }

    private static AdminReply peerView(Map<String, String> params, Function<String, SharedHealth.Signed> peerView) {
        String nonce = params.get("nonce");
        if (nonce == null || !PeerView.NONCE.matcher(nonce).matches()) {
            return AdminReply.text(400, "usage: " + PeerView.PATH + "?nonce=N (16-128 of 0-9 A-Z a-z _ -)\n");
        }
        SharedHealth.Signed signed = peerView.apply(nonce);
        if (signed == null) {
            return AdminReply.text(404, "health sharing is off here (no health: share: secret-file)\n");
        }
        return new AdminReply(200, "application/json", signed.body(),
                Map.of(PeerView.SIGNATURE_HEADER, signed.signature()));
    }

    /** @param sharing shared health, which decided which nodes count as up: carried along while it is on */
    private static AdminReply explain(Map<String, String> params, Explainer explainer,
                                      Supplier<Status.Sharing> sharing) {
        String ip = params.get("ip");
        String name = params.get("name");
        if (ip == null || name == null) {
            return AdminReply.text(400, "usage: /explain?ip=ADDR&name=NAME[&type=A][&format=text]\n");
        }
        try {
            InetAddress client = Explainer.address(ip);
            Explanation result = explainer.explain(client, name, params.getOrDefault("type", "A"));
            // format=text: what `geodns explain` prints, for `geodns explain --server` to print as it comes.
            Status.Sharing shared = sharing.get();
            if ("text".equals(params.get("format"))) {
                return AdminReply.text(200, result.text() + (shared == null ? "" : shared.text()));
            }
            Map<String, Object> json = result.toJson();
            if (shared != null) {
                json.put("shared_health", shared.toJson());
            }
            return new AdminReply(200, "application/json", Json.write(json));
        } catch (IllegalArgumentException e) {
            return AdminReply.text(400, e.getMessage() + "\n");
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        pages.shutdownNow();
    }
}
