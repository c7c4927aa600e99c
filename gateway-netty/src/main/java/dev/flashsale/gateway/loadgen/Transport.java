package dev.flashsale.gateway.loadgen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Netty's native epoll transport where it is available (Linux), NIO elsewhere. */
final class Transport
{
    private static final boolean EPOLL = Epoll.isAvailable();

    private Transport()
    {
    }

    /** @return an event loop group of daemon threads named {@code <name>-<group>-<n>}. */
    static EventLoopGroup group(final int threads, final String name)
    {
        final IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
    }

    static Class<? extends SocketChannel> socketChannel()
    {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static Class<? extends ServerSocketChannel> serverChannel()
    {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * Binds a plain keep-alive HTTP/1.1 server (the hello world, the reference server): the HTTP
     * codec, an aggregator of whole requests up to {@code maxBodyBytes}, then {@code handler}.
     *
     * @param handler a new handler per connection, or one shared ({@code @Sharable}).
     * @throws IllegalStateException if the address cannot be bound (naming it); the group is shut down then.
     */
    static Channel bindHttp(final EventLoopGroup group, final String bindAddress, final int port, final int maxBodyBytes,
        final Supplier<ChannelHandler> handler)
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline()
                        .addLast("codec", new HttpServerCodec())
                        .addLast("aggregator", new HttpObjectAggregator(maxBodyBytes, true))
                        .addLast("handler", handler.get());
                }
            });
        try
        {
            return bootstrap.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
        }
        catch (final Exception ex)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + bindAddress + ":" + port + ": " + ex, ex);
        }
    }

    /** @return "epoll" or "nio". */
    static String name()
    {
        return EPOLL ? "epoll" : "nio";
    }
}
