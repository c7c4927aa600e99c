package dev.flashsale.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client connection, on its event loop only: hands each complete request to the
 * {@link Dispatcher}, and writes the answers in request order (pipelined requests may wait on the
 * engine while later ones are refused at once). Bounds what waits on the engine per connection,
 * times out slow and idle clients.
 */
final class Connection extends ChannelInboundHandlerAdapter
{
    private final Dispatcher dispatcher;
    private final GatewayConfig config;
    private final ArrayDeque<Object> answers = new ArrayDeque<>(); // FullHttpResponse or Exchange, in request order
    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long engineTimeoutNanos;
    private ChannelHandlerContext ctx;
    private Handback handback;
    private boolean flushQueued;
    private ScheduledFuture<?> timeouts;
    private int waiting;
    private boolean closing;
    private boolean stopReading;
    private long partialSinceNanos;
    private long lastActivityNanos;

    /** Sits before the HTTP codec: notes when the bytes of a request start arriving. */
    final ChannelInboundHandlerAdapter bytesIn = new ChannelInboundHandlerAdapter()
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (msg instanceof ByteBuf bytes && bytes.isReadable() && partialSinceNanos == 0)
            {
                partialSinceNanos = ctx.executor().ticker().nanoTime();
            }
            ctx.fireChannelRead(msg);
        }
    };

    Connection(final Dispatcher dispatcher, final GatewayConfig config)
    {
        this.dispatcher = dispatcher;
        this.config = config;
        this.requestTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        this.engineTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.engineTimeoutMs());
    }

    EventLoop eventLoop()
    {
        return ctx.channel().eventLoop();
    }

    /** @return the hand-back of this connection's event loop, where the responder queues its answers. */
    Handback handback()
    {
        return handback;
    }

    io.netty.buffer.ByteBufAllocator alloc()
    {
        return ctx.alloc();
    }

    boolean atInFlightLimit()
    {
        return waiting >= config.maxInFlightPerConnection();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        lastActivityNanos = ctx.executor().ticker().nanoTime();
        final long periodMs = Math.max(50,
            Math.min(config.engineTimeoutMs(), Math.min(config.requestTimeoutMs(), config.idleTimeoutMs())) / 4);
        timeouts = ctx.executor().scheduleAtFixedRate(this::checkTimeouts, periodMs, periodMs, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        this.handback = dispatcher.handback(ctx.channel().eventLoop());
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof FullHttpRequest request))
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        try
        {
            partialSinceNanos = 0;
            lastActivityNanos = ctx.executor().ticker().nanoTime();
            if (!closing && !stopReading)
            {
                dispatcher.dispatch(this, request, System.nanoTime());
            }
        }
        finally
        {
            request.release();
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
    }

    /** An answer known at once; written now if nothing before it waits, else queued behind. */
    void answer(final FullHttpResponse response, final boolean keepAlive)
    {
        if (closing)
        {
            response.release();
            return;
        }
        setConnection(response, keepAlive);
        if (!keepAlive)
        {
            stopReading = true; // this answer closes the connection: decide nothing pipelined behind it
        }
        if (answers.isEmpty())
        {
            write(response);
        }
        else
        {
            answers.add(response);
        }
        updateReading();
    }

    /** A request published to the engine: its answer comes through {@link #onCompleted}. */
    void waitFor(final Exchange exchange)
    {
        answers.add(exchange);
        waiting++;
        if (!exchange.keepAlive)
        {
            stopReading = true; // the client asked to close after this one: decide nothing pipelined behind it
        }
        updateReading();
    }

    /**
     * Reads the socket only while this connection can take more: not closing, fewer than the
     * in-flight bound waiting on the engine, a short queue of answers, and a writable socket (a
     * client that does not read its answers stops being read).
     */
    private void updateReading()
    {
        final int bound = config.maxInFlightPerConnection();
        final boolean read = !closing && !stopReading && waiting < bound && answers.size() < 2 * bound &&
            ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read)
        {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    /** An answer computed off the event loop (a search), queued in request order until it is ready. */
    static final class Deferred
    {
        final boolean keepAlive;
        FullHttpResponse response;

        Deferred(final boolean keepAlive)
        {
            this.keepAlive = keepAlive;
        }
    }

    /** A request answered off the event loop: its answer comes through {@link #onDeferredReady}. */
    void defer(final Deferred deferred)
    {
        answers.add(deferred);
        waiting++;
        if (!deferred.keepAlive)
        {
            stopReading = true;
        }
        updateReading();
    }

    /** Event loop: a deferred answer is ready. */
    void onDeferredReady(final Deferred deferred, final FullHttpResponse response)
    {
        if (ctx == null || !answers.contains(deferred)) // closed since
        {
            response.release();
            return;
        }
        deferred.response = response;
        drain();
    }

    /**
     * Event loop: the engine answered an exchange of this connection (or the pipeline failed).
     *
     * @param batch the hand-back task delivering it, which flushes once at its end; null to flush now.
     */
    void onCompleted(final Exchange exchange, final Handback batch)
    {
        if (ctx == null || !answers.contains(exchange)) // closed since, or failed before it was queued
        {
            exchange.release();
            return;
        }
        if (drain(false))
        {
            if (batch == null)
            {
                ctx.flush();
            }
            else if (!flushQueued)
            {
                flushQueued = true;
                batch.flushLater(this);
            }
        }
    }

    /** Event loop, at the end of a hand-back task that wrote to this connection. */
    void flushQueued()
    {
        flushQueued = false;
        if (ctx != null)
        {
            ctx.flush();
        }
    }

    private void drain()
    {
        drain(true);
    }

    /**
     * Writes the answers at the head of the queue that are ready, in request order.
     *
     * @return true if it wrote something it did not flush.
     */
    private boolean drain(final boolean flush)
    {
        boolean wrote = false;
        while (!answers.isEmpty())
        {
            final Object head = answers.peek();
            if (head instanceof Exchange waitingExchange)
            {
                if (!waitingExchange.delivered) // its own run() is still queued: it writes then, in order
                {
                    break;
                }
                answers.poll();
                waiting--;
                final FullHttpResponse response = dispatcher.render(waitingExchange, ctx.alloc());
                final boolean keepAlive = waitingExchange.keepAlive;
                waitingExchange.release();
                wrote |= send(response, keepAlive);
            }
            else if (head instanceof Deferred deferred)
            {
                if (deferred.response == null)
                {
                    break;
                }
                answers.poll();
                waiting--;
                wrote |= send(deferred.response, deferred.keepAlive);
            }
            else
            {
                answers.poll();
                write((FullHttpResponse)head);
                wrote = true;
            }
        }
        if (wrote && flush)
        {
            ctx.flush();
        }
        updateReading();
        return wrote && !flush;
    }

    private boolean send(final FullHttpResponse response, final boolean keepAlive)
    {
        if (closing)
        {
            response.release();
            return false;
        }
        setConnection(response, keepAlive);
        write(response);
        return true;
    }

    private void setConnection(final FullHttpResponse response, final boolean keepAlive)
    {
        if (!keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    private void write(final FullHttpResponse response)
    {
        if (closing)
        {
            response.release();
            return;
        }
        if (response.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true))
        {
            closing = true;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            ctx.write(response, ctx.voidPromise());
        }
    }

    private void checkTimeouts()
    {
        if (waiting > 0)
        {
            final long nowNanos = System.nanoTime(); // the clock of Exchange.startNanos
            for (final Object answer : answers)
            {
                if (answer instanceof Exchange exchange && !exchange.delivered && !exchange.timedOut &&
                    nowNanos - exchange.startNanos > engineTimeoutNanos)
                {
                    exchange.timedOut = true;
                    exchange.fail(); // 503 with an unknown outcome, unless the engine answered first; a late answer is dropped
                }
            }
        }
        final long now = ctx.executor().ticker().nanoTime();
        if (partialSinceNanos != 0 && now - partialSinceNanos > requestTimeoutNanos)
        {
            dispatcher.timedOut(this);
            partialSinceNanos = 0;
        }
        else if (partialSinceNanos == 0 && waiting == 0 && answers.isEmpty() && now - lastActivityNanos > idleTimeoutNanos)
        {
            ctx.close();
        }
    }

    /** Answers 408 and closes (a request did not arrive in time). */
    void timeOut(final FullHttpResponse response)
    {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (answers.isEmpty())
        {
            write(response);
        }
        else
        {
            answers.add(response);
            stopReading = true; // the answers before it still go out
            updateReading();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closing = true;
        if (timeouts != null)
        {
            timeouts.cancel(false);
        }
        while (!answers.isEmpty())
        {
            final Object head = answers.poll();
            if (head instanceof Exchange exchange)
            {
                if (exchange.delivered)
                {
                    exchange.release();
                }
                // else: its answer is still to come; onCompleted releases it then.
            }
            else if (head instanceof Deferred deferred)
            {
                if (deferred.response != null)
                {
                    deferred.response.release();
                }
                // else: onDeferredReady releases it when it comes
            }
            else
            {
                ReferenceCountUtil.release(head);
            }
        }
        waiting = 0;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        // A reset connection or a codec failure the aggregator did not turn into a request: drop the connection.
        ctx.close();
    }

    static boolean keepAlive(final FullHttpRequest request)
    {
        return HttpUtil.isKeepAlive(request);
    }
}
