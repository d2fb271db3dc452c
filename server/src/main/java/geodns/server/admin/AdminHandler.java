package geodns.server.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection: complete requests in, answers out in the order asked. Runs on the event loop; a page
 * that takes work is computed on the pages thread and written back from the loop. While any answer is owed
 * nothing more is read, and a client that pipelines more than {@link #MAX_OWED} requests is closed.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger("geodns");
    private static final int MAX_OWED = 16;

    private final AdminRoutes routes;
    private final Executor pages;
    private final int requestSeconds;
    /** Requests read and not yet answered. */
    private int owed;
    private ScheduledFuture<?> deadline;

    AdminHandler(AdminRoutes routes, Executor pages, int requestSeconds) {
        this.routes = routes;
        this.pages = pages;
        this.requestSeconds = requestSeconds;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        awaitRequest(ctx);
        super.channelActive(ctx);
    }

    /** A connection waiting for a request has {@code requestSeconds} to send all of it, however it trickles. */
    private void awaitRequest(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, requestSeconds, TimeUnit.SECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
        HttpVersion version = request.protocolVersion();
        Supplier<AdminReply> answer;
        boolean quick = true;
        String allow = null;
        if (!request.decoderResult().isSuccess()) {
            answer = () -> AdminReply.text(400, "bad request\n");
        } else if (!head && !HttpMethod.GET.equals(request.method())) {
            answer = () -> AdminReply.text(405, "only GET and HEAD\n");
            allow = "GET, HEAD";
        } else {
            QueryStringDecoder uri;
            try {
                uri = new QueryStringDecoder(request.uri());
                uri.path();
                uri.parameters();
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            AdminRoutes.Route route = uri == null ? null : routes.find(uri.path());
            if (uri == null) {
                answer = () -> AdminReply.text(400, "bad request\n");
            } else if (route == null) {
                answer = () -> AdminReply.text(404, "not found\n");
            } else {
                Map<String, String> params = new HashMap<>();
                uri.parameters().forEach((key, values) -> params.put(key, values.get(values.size() - 1)));
                answer = () -> route.answer().apply(params);
                quick = route.quick();
            }
        }
        owed++;
        if (owed > MAX_OWED) {
            ctx.close();
            return;
        }
        ctx.channel().config().setAutoRead(false);
        String allowed = allow;
        if (quick && owed == 1) {
            write(ctx, safely(answer), allowed, head, keepAlive, version);
            return;
        }
        // Through the pages thread even when quick, so that answers leave in the order they were asked for.
        Supplier<AdminReply> work = answer;
        try {
            pages.execute(() -> {
                AdminReply reply = safely(work);
                ctx.executor().execute(() -> write(ctx, reply, allowed, head, keepAlive, version));
            });
        } catch (RejectedExecutionException e) {
            ctx.close();   // shutting down
        }
    }

    private static AdminReply safely(Supplier<AdminReply> answer) {
        try {
            return answer.get();
        } catch (RuntimeException | Error e) {
            // An Error too (a fault in a mapped GeoIP file is an InternalError): unanswered, the request would hang.
            LOG.warn("admin http: {}", e.toString());
            return AdminReply.text(500, "internal error: " + e + "\n");
        }
    }

    private void write(ChannelHandlerContext ctx, AdminReply reply, String allow, boolean head, boolean keepAlive,
                       HttpVersion version) {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(reply.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set("X-Content-Type-Options", "nosniff");
        reply.headers().forEach(response.headers()::set);
        if (allow != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) sent -> {
            owed--;
            if (!keepAlive || !sent.isSuccess()) {
                ctx.close();
            } else if (owed == 0 && ctx.channel().isActive()) {
                awaitRequest(ctx);
                ctx.channel().config().setAutoRead(true);
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset, a write timeout, an oversized head: nothing to tell anyone, the connection is done.
        ctx.close();
    }
}
