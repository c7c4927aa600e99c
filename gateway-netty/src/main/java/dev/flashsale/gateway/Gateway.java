package dev.flashsale.gateway;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.read.ReadServices;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP gateway of a node: Netty event loops (epoll where available) serving the API in front
 * of a {@link NodeBackend}, answered by a {@link Responder} that the node runs as an output stage.
 * Start it after the pipeline; stop intake with {@link #stopAccepting()} before the pipeline drains,
 * and {@link #close()} after, so every published request is answered.
 */
public final class Gateway implements AutoCloseable
{
    private final GatewayConfig config;
    private final Responder responder;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final AtomicInteger connections = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final boolean epoll;
    private final Dispatcher dispatcher;

    /**
     * Binds and starts serving.
     *
     * @param readServices the projections behind the read routes, or null (those routes answer 503).
     * @throws IllegalStateException if the address cannot be bound (naming it).
     */
    public Gateway(
        final GatewayConfig config,
        final EngineConfig engine,
        final NodeBackend backend,
        final ReadServices readServices,
        final Credentials credentials,
        final Responder responder,
        final EpochClock clock)
    {
        this.config = config.validate();
        this.responder = responder;
        dispatcher = new Dispatcher(config, engine, backend, readServices, credentials, responder, metrics, clock, openApi());
        epoll = Epoll.isAvailable();
        final IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("flashsale-http", true), io);
        final Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        final ChannelHandler limit = new ConnectionLimit();
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline().addLast("limit", limit);
                    addHandlers(channel.pipeline(), dispatcher, config);
                }
            });
        try
        {
            serverChannel = bootstrap.bind(new InetSocketAddress(config.bindAddress(), config.port())).sync().channel();
        }
        catch (final Exception ex)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": " + ex, ex);
        }
    }

    /** Adds the handlers of one HTTP connection (also used by tests on an {@code EmbeddedChannel}). */
    static void addHandlers(final ChannelPipeline pipeline, final Dispatcher dispatcher, final GatewayConfig config)
    {
        final Connection connection = new Connection(dispatcher, config);
        pipeline
            .addLast("bytes-in", connection.bytesIn)
            .addLast("decoder", connection.decoder)
            .addLast("encoder", new EncodedResponse.Encoder())
            .addLast("expect", new ChannelInboundHandlerAdapter()
            {
                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                {
                    // The aggregator would answer an oversized "Expect: 100-continue" with a bare 413 of its own,
                    // out of request order; without the expectation it reaches handleOversizedMessage below.
                    // A request the decoder read whole carries no expectation (RequestDecoder leaves those to Netty).
                    if (msg instanceof HttpRequest request && !(msg instanceof FullHttpRequest) &&
                        HttpUtil.is100ContinueExpected(request) &&
                        HttpUtil.getContentLength(request, -1L) > config.maxBodyBytes())
                    {
                        request.headers().remove(HttpHeaderNames.EXPECT);
                    }
                    ctx.fireChannelRead(msg);
                }
            })
            .addLast("aggregator", new HttpObjectAggregator(config.maxBodyBytes(), true)
            {
                @Override
                protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
                {
                    // A problem+json 413 in request order, then close. The aggregator releases the message and
                    // discards the rest of its body.
                    connection.tooLarge();
                }
            })
            .addLast("connection", connection);
    }

    /** @return the port it listens on (the chosen one when configured with 0). */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /**
     * @return the event loop a node's pipeline may run its stages on (the event-loop thread layout):
     *     the first of the gateway's loops; it runs until {@link #close()}.
     */
    public Executor coreLoop()
    {
        return group.iterator().next();
    }

    /** @return "epoll" or "nio". */
    public String transport()
    {
        return epoll ? "epoll" : "nio";
    }

    /** @return requests answered so far for a route and status (tests, the demo). */
    public long requests(final Route route, final int status)
    {
        return metrics.requests(route, status);
    }

    /** The pipeline stopped: answer every request still waiting on it with 503 (its outcome is unknown). */
    public void onPipelineFailure()
    {
        responder.handBackPending(); // answers decided before the failure, queued in a batch that did not end
        responder.exchanges().failWaiting();
    }

    /** Stops accepting connections; open ones keep being served. */
    public void stopAccepting()
    {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Closes every connection, after every answer is written: call it once the pipeline has
     * drained. A request the pipeline did not answer gets 503 (outcome unknown); then each event
     * loop runs what is queued on it (the answers) before the connections close.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return; // closed before: a second close has nothing left to do
        }
        stopAccepting();
        dispatcher.close(); // queued searches answer first, while the event loops still run
        responder.handBackPending();
        responder.exchanges().failWaiting();
        for (final EventExecutor loop : group)
        {
            loop.submit(() -> { }).awaitUninterruptibly(2, TimeUnit.SECONDS); // tasks run in order: the answers first
        }
        group.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static byte[] openApi()
    {
        try (InputStream in = Gateway.class.getResourceAsStream("/openapi.yaml"))
        {
            if (in == null)
            {
                throw new IllegalStateException("openapi.yaml is missing from the gateway jar");
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Closes a new connection at once past {@code gateway.max-connections}. */
    @ChannelHandler.Sharable
    private final class ConnectionLimit extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            if (connections.incrementAndGet() > config.maxConnections())
            {
                metrics.connectionRefused();
                ctx.close();
                return;
            }
            metrics.connectionOpened();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            connections.decrementAndGet();
            ctx.fireChannelInactive();
        }
    }
}
