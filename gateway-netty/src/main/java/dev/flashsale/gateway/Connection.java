package dev.flashsale.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * One client connection, on its event loop: hands each complete request to the
 * {@link Dispatcher} with the connection's {@link AnswerQueue}, and times out what is slow: a
 * request whose bytes take longer than {@code gateway.request-timeout-ms} (408, then close), an
 * answer the engine does not give within {@code gateway.engine-timeout-ms} (503, outcome
 * unknown), a connection idle for {@code gateway.idle-timeout-ms} (closed). A request that fails
 * unexpectedly is a 500 in its place (its cause in the log only), and the connection closes.
 */
final class Connection extends ChannelInboundHandlerAdapter
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Connection.class);

    private final Dispatcher dispatcher;
    private final GatewayConfig config;
    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long engineTimeoutNanos;
    private ChannelHandlerContext ctx;
    private AnswerQueue answers;
    private ScheduledFuture<?> timeouts;
    private long partialSinceNanos;
    private long lastActivityNanos;

    /** The request decoder of this connection: it says whether a request is half read. */
    final RequestDecoder decoder;

    /**
     * Sits before the decoder: after each read has been decoded, notes whether a request is left
     * half read and since when (the start of the read that began it), for the request timeout.
     */
    final ChannelInboundHandlerAdapter bytesIn = new ChannelInboundHandlerAdapter()
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final long readNanos = ctx.executor().ticker().nanoTime();
            final int completedBefore = decoder.completed();
            ctx.fireChannelRead(msg); // decodes the whole read, and dispatches every request it completes
            if (!decoder.partial())
            {
                partialSinceNanos = 0;
            }
            else if (partialSinceNanos == 0 || decoder.completed() != completedBefore)
            {
                partialSinceNanos = readNanos; // a request began in this read
            }
        }
    };

    Connection(final Dispatcher dispatcher, final GatewayConfig config)
    {
        this.dispatcher = dispatcher;
        this.config = config;
        this.requestTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        this.engineTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.engineTimeoutMs());
        this.decoder = new RequestDecoder(config);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        this.answers = dispatcher.answerQueue(ctx);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        lastActivityNanos = ctx.executor().ticker().nanoTime();
        final long periodMs = Math.max(50,
            Math.min(config.engineTimeoutMs(), Math.min(config.requestTimeoutMs(), config.idleTimeoutMs())) / 4);
        timeouts = ctx.executor().scheduleAtFixedRate(this::checkTimeouts, periodMs, periodMs, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
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
            lastActivityNanos = ctx.executor().ticker().nanoTime();
            if (answers.accepting())
            {
                dispatcher.dispatch(answers, request, System.nanoTime());
            }
        }
        catch (final RuntimeException ex) // a defect: answered in its place, never with its message, and the connection ends
        {
            LOG.error("a request failed unexpectedly; its connection is closed", ex);
            answers.closeWith(Problem.INTERNAL_ERROR, "the request failed; the node's log has the cause",
                dispatcher.callOnThisLoop());
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

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        answers.updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    /** A request body above {@code gateway.max-body-bytes}: 413 in request order, then the connection closes. */
    void tooLarge()
    {
        answers.closeWith(Problem.PAYLOAD_TOO_LARGE, "the body exceeds " + config.maxBodyBytes() + " bytes", null);
    }

    private void checkTimeouts()
    {
        answers.failStale(System.nanoTime(), engineTimeoutNanos); // System.nanoTime: the clock of Exchange.startNanos
        final long now = ctx.executor().ticker().nanoTime();
        if (partialSinceNanos != 0 && now - partialSinceNanos > requestTimeoutNanos)
        {
            dispatcher.requestTimedOut();
            answers.closeWith(Problem.REQUEST_TIMEOUT, "the request did not arrive within " + config.requestTimeoutMs() + " ms",
                null);
            partialSinceNanos = 0;
        }
        else if (partialSinceNanos == 0 && answers.idle() && now - lastActivityNanos > idleTimeoutNanos)
        {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (timeouts != null)
        {
            timeouts.cancel(false);
        }
        answers.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        // A reset connection or a codec failure the aggregator did not turn into a request: drop the connection.
        ctx.close();
    }
}
