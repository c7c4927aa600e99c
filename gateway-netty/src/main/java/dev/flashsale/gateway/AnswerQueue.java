package dev.flashsale.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;

import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * The answers of one connection, written in request order, on its event loop only. An answer is
 * known at once (a refusal, a read), waits on the engine (an {@link Exchange}) or on the catalog
 * thread (a {@link Deferred}); a ready answer is written as soon as everything before it is.
 * Holds the connection's back-pressure: at most {@code gateway.max-in-flight-per-connection}
 * requests waiting, a short queue, a writable socket; else the socket is not read.
 */
final class AnswerQueue
{
    private final ChannelHandlerContext ctx;
    private final Handback handback;
    private final EngineAnswers engineAnswers;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    private final FastThreadLocal<LoopScratch> scratch;
    private final int maxInFlight;
    private final ArrayDeque<Object> answers = new ArrayDeque<>(); // FullHttpResponse, Exchange or Deferred
    private boolean flushQueued;
    private int waiting;
    private boolean closing;
    private boolean stopReading;

    AnswerQueue(final ChannelHandlerContext ctx, final Handback handback, final EngineAnswers engineAnswers,
        final GatewayMetrics metrics, final AccessLog accessLog, final FastThreadLocal<LoopScratch> scratch,
        final int maxInFlight)
    {
        this.ctx = ctx;
        this.handback = handback;
        this.engineAnswers = engineAnswers;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.scratch = scratch;
        this.maxInFlight = maxInFlight;
    }

    /** An answer computed off the event loop, queued in request order until it is ready. */
    static final class Deferred
    {
        final boolean keepAlive;
        FullHttpResponse response;

        Deferred(final boolean keepAlive)
        {
            this.keepAlive = keepAlive;
        }
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

    ByteBufAllocator alloc()
    {
        return ctx.alloc();
    }

    /** @return the client's address, for the access log. */
    SocketAddress remoteAddress()
    {
        return ctx.channel().remoteAddress();
    }

    boolean atInFlightLimit()
    {
        return waiting >= maxInFlight;
    }

    /** @return true while requests may still be decided: not closing, no answer that closes the connection queued. */
    boolean accepting()
    {
        return !closing && !stopReading;
    }

    /** @return true if nothing waits and nothing is left to write. */
    boolean idle()
    {
        return waiting == 0 && answers.isEmpty();
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

    /**
     * A problem that ends the connection (a request too large or too slow): after the answers before it, then close.
     *
     * @param call the request it answers, or null if none was read whole (then it gets a request id of its own).
     */
    void closeWith(final Problem problem, final String detail, final Call call)
    {
        metrics.record(Route.UNMATCHED, problem.status(), 0);
        final LoopScratch s = scratch.get();
        final FullHttpResponse response = Responses.problem(problem, detail, s.json, ctx.alloc());
        final String requestId = call != null ? call.requestId() : s.requestIds.next();
        response.headers().set(RequestIds.HEADER, requestId);
        accessLog.answered(call != null ? call.method() : null, call != null ? call.uri() : null, problem.status(),
            problem.name(), call != null ? call.startNanos() : 0, System.nanoTime(), remoteAddress(), requestId);
        answer(response, false);
    }

    /** A request published to the engine: its answer comes through {@link #onCompleted}. */
    void waitFor(final Exchange exchange)
    {
        queueWaiting(exchange, exchange.keepAlive);
    }

    /** A request answered off the event loop: its answer comes through {@link #ready}. */
    void defer(final Deferred deferred)
    {
        queueWaiting(deferred, deferred.keepAlive);
    }

    private void queueWaiting(final Object answer, final boolean keepAlive)
    {
        answers.add(answer);
        waiting++;
        if (!keepAlive)
        {
            stopReading = true; // the client asked to close after this one: decide nothing pipelined behind it
        }
        updateReading();
    }

    /** Any thread: a deferred answer is ready; it is written on the event loop, in order. */
    void ready(final Deferred deferred, final FullHttpResponse response)
    {
        try
        {
            eventLoop().execute(() -> onReady(deferred, response));
        }
        catch (final RejectedExecutionException ex) // the gateway is closing
        {
            response.release();
        }
    }

    private void onReady(final Deferred deferred, final FullHttpResponse response)
    {
        if (!answers.contains(deferred)) // closed since
        {
            response.release();
            return;
        }
        deferred.response = response;
        if (drain())
        {
            ctx.flush();
        }
    }

    /**
     * Event loop: the engine answered an exchange of this connection (or the pipeline failed).
     *
     * @param batch the hand-back task delivering it, which flushes once at its end; null to flush now.
     */
    void onCompleted(final Exchange exchange, final Handback batch)
    {
        if (!answers.contains(exchange)) // closed since, or failed before it was queued
        {
            exchange.release();
            return;
        }
        if (drain())
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
        ctx.flush();
    }

    /**
     * Writes the answers at the head of the queue that are ready, in request order.
     *
     * @return true if it wrote something (not flushed).
     */
    private boolean drain()
    {
        boolean wrote = false;
        while (!answers.isEmpty())
        {
            final Object head = answers.peek();
            if (head instanceof Exchange exchange)
            {
                if (!exchange.delivered) // its own run() is still queued: it writes then, in order
                {
                    break;
                }
                answers.poll();
                waiting--;
                final Object response = engineAnswers.render(exchange, ctx.alloc());
                final boolean keepAlive = exchange.keepAlive;
                exchange.release();
                wrote |= response instanceof ByteBuf encoded ? sendEncoded(encoded, keepAlive) :
                    send((FullHttpResponse)response, keepAlive);
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
                wrote |= send((FullHttpResponse)head, true);
            }
        }
        updateReading();
        return wrote;
    }

    /**
     * Event loop: fails the exchanges that waited on the engine longer than {@code timeoutNanos}
     * (a 503 whose outcome is unknown, unless the engine answered first; a late answer is dropped).
     */
    void failStale(final long nowNanos, final long timeoutNanos)
    {
        if (waiting == 0)
        {
            return;
        }
        for (final Object answer : answers)
        {
            if (answer instanceof Exchange exchange && !exchange.delivered && !exchange.timedOut &&
                nowNanos - exchange.startNanos > timeoutNanos)
            {
                exchange.timedOut = true;
                exchange.fail();
            }
        }
    }

    /**
     * Reads the socket only while this connection can take more: not closing, fewer than the
     * in-flight bound waiting, a short queue of answers, and a writable socket (a client that does
     * not read its answers stops being read).
     */
    void updateReading()
    {
        final boolean read = !closing && !stopReading && waiting < maxInFlight && answers.size() < 2 * maxInFlight &&
            ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read)
        {
            ctx.channel().config().setAutoRead(read);
        }
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

    /** An answer encoded whole ({@link EncodedResponse}), its {@code Connection: close} already in it unless kept alive. */
    private boolean sendEncoded(final ByteBuf response, final boolean keepAlive)
    {
        if (closing)
        {
            response.release();
            return false;
        }
        if (keepAlive)
        {
            ctx.write(response, ctx.voidPromise());
        }
        else
        {
            closing = true;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        return true;
    }

    private static void setConnection(final FullHttpResponse response, final boolean keepAlive)
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

    /** Event loop: the connection closed; what is ready is released, what waits is released when it comes. */
    void closed()
    {
        closing = true;
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
                // else: onReady releases it when it comes
            }
            else
            {
                ReferenceCountUtil.release(head);
            }
        }
        waiting = 0;
    }
}
