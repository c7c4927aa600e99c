package dev.flashsale.gateway.loadgen;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling the gateway is measured against: a Netty HTTP/1.1 keep-alive server that answers
 * every request with 200 {@code {"hello":"world"}}. Same transport, threads and codec as the
 * gateway (HttpServerCodec, HttpObjectAggregator, TCP_NODELAY, one flush per read batch), and
 * nothing else, so the gap between the two is the cost of the gateway's own work.
 */
public final class HelloServer implements AutoCloseable
{
    private static final byte[] BODY = "{\"hello\":\"world\"}".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel serverChannel;

    /**
     * Binds and starts serving.
     *
     * @param bindAddress the address to listen on, e.g. 0.0.0.0 or 127.0.0.1.
     * @param port        TCP port; 0 picks a free one (see {@link #port()}).
     * @param ioThreads   event loop threads, 1..64.
     * @throws IllegalArgumentException if ioThreads or port is out of range.
     * @throws IllegalStateException    if the address cannot be bound (naming it).
     */
    public HelloServer(final String bindAddress, final int port, final int ioThreads)
    {
        if (ioThreads < 1 || ioThreads > 64)
        {
            throw new IllegalArgumentException("hello server ioThreads=" + ioThreads + ": must be 1..64");
        }
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("hello server port=" + port + ": must be 0..65535");
        }
        group = Transport.group(ioThreads, "flashsale-hello");
        final ChannelHandler hello = new Hello();
        serverChannel = Transport.bindHttp(group, bindAddress, port, 1 << 20, () -> hello);
    }

    /** @return the port it listens on (the chosen one when started with 0). */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** @return "epoll" or "nio". */
    public String transport()
    {
        return Transport.name();
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close()
    {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Answers every request; shared by all connections (it keeps no state). */
    @ChannelHandler.Sharable
    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            if (request.decoderResult().isFailure())
            {
                ctx.close();
                return;
            }
            final boolean keepAlive = HttpUtil.isKeepAlive(request);
            final FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(BODY));
            response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            if (!keepAlive)
            {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.write(response).addListener(ChannelFutureListener.CLOSE);
            }
            else
            {
                if (!request.protocolVersion().isKeepAliveDefault())
                {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.write(response);
            }
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
