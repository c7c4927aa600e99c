package dev.flashsale.gateway.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One load connection, on its event loop only: at most one request in flight, the next one sent
 * when the answer arrives (closed loop) or at its intended start time on the run's fixed schedule
 * (open loop), whichever is later. Times answers from the intended start, so a stall of the server
 * counts against every request that should have been sent meanwhile. Counts down the run's latch
 * once, when it has nothing more to send and nothing in flight, or when it fails.
 */
final class LoadConnection extends SimpleChannelInboundHandler<AnswerDecoder.Answer>
{
    private static final byte[] CHECKOUT_ID = "\"checkoutId\":\"".getBytes(StandardCharsets.US_ASCII);

    private final int index;
    private final LoadPlan plan;
    private final LoopState loop;
    private final SplittableRandom random;
    private final CountDownLatch finished;
    private final StringBuilder text = new StringBuilder(128);
    private final StringBuilder key = new StringBuilder(48);
    private final Runnable scheduledSend = this::sendScheduled;

    private ChannelHandlerContext ctx;
    private long t0;
    private long measureStart;
    private long measureEnd;
    /** Requests of this connection's schedule taken so far (open loop). */
    private long scheduled;
    /** Intended start of the request in flight or waiting for its time; its send time in a closed loop. */
    private long intendedNanos;
    /** Whether the request in flight was sent in the measured window. */
    private boolean measured;
    private boolean inFlight;
    private boolean done;
    private boolean stopping;
    private boolean failed;
    private RequestKind inFlightKind;
    private RequestKind nextKind;
    private long keyCounter;
    private CharSequence customerToken;
    private long checkoutId;

    LoadConnection(final int index, final LoadPlan plan, final LoopState loop, final SplittableRandom random,
        final CountDownLatch finished)
    {
        this.index = index;
        this.plan = plan;
        this.loop = loop;
        this.random = random;
        this.finished = finished;
        this.nextKind = plan.scenario == LoadOptions.Scenario.HELLO ? RequestKind.HELLO : RequestKind.RESERVE;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Event loop: starts sending. Requests sent before {@code measureStart} are not measured; none
     * is sent at or after {@code measureEnd}, except one that was due before it.
     */
    void start(final long t0, final long measureStart, final long measureEnd)
    {
        this.t0 = t0;
        this.measureStart = measureStart;
        this.measureEnd = measureEnd;
        if (!done)
        {
            next();
        }
    }

    /** Event loop: the run is over; a request still in flight is counted unanswered. */
    void stop()
    {
        stopping = true;
        if (inFlight)
        {
            inFlight = false;
            loop.unanswered++;
        }
        finish();
        ctx.close();
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final AnswerDecoder.Answer answer)
    {
        final long now = System.nanoTime();
        if (!inFlight)
        {
            return; // read in the same batch as the stop: already counted unanswered
        }
        final int status = answer.status();
        if (status < 100 || status >= LoopState.STATUS_LIMIT)
        {
            exceptionCaught(ctx, new IllegalStateException("an invalid answer: status " + status));
            return;
        }
        inFlight = false;
        if (measured)
        {
            loop.record(inFlightKind, status, now - intendedNanos);
        }
        nextKind = followUp(status, answer.content());
        next();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (!stopping)
        {
            if (!failed)
            {
                loop.connectionsLost++;
                loop.failure("connection " + index + " closed by the server");
            }
            if (inFlight)
            {
                inFlight = false;
                loop.unanswered++;
            }
            finish();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (!stopping && !failed)
        {
            failed = true;
            loop.exceptions++;
            loop.failure("connection " + index + ": " + cause);
        }
        ctx.close();
    }

    /**
     * Sends the next request now or at its intended start (open loop), or finishes at the end of
     * the window. An open loop that fell behind its schedule sends at once, still timed from the
     * intended start, until it catches up.
     */
    private void next()
    {
        final long now = System.nanoTime();
        if (now >= measureEnd)
        {
            finish();
            return;
        }
        if (!plan.openLoop())
        {
            send(now, now);
            return;
        }
        final long intended = t0 + plan.offsetNanos(scheduled * plan.connections + index);
        if (intended >= measureEnd)
        {
            finish();
            return;
        }
        scheduled++;
        if (intended > now)
        {
            intendedNanos = intended;
            ctx.executor().schedule(scheduledSend, intended - now, TimeUnit.NANOSECONDS);
        }
        else
        {
            send(intended, now);
        }
    }

    /** The intended start of a scheduled request came; nothing is sent once the connection is done. */
    private void sendScheduled()
    {
        if (!done)
        {
            final long now = System.nanoTime();
            if (now >= measureStart)
            {
                loop.sentLate(now - intendedNanos);
            }
            send(intendedNanos, now);
        }
    }

    private void send(final long intended, final long now)
    {
        intendedNanos = intended;
        measured = now >= measureStart;
        inFlightKind = nextKind;
        inFlight = true;
        ctx.writeAndFlush(request(inFlightKind), ctx.voidPromise());
    }

    /** @return what to send after this answer: maybe a confirm or cancel of a checkout just reserved. */
    private RequestKind followUp(final int status, final ByteBuf body)
    {
        if (inFlightKind != RequestKind.RESERVE || status != 201)
        {
            return inFlightKind == RequestKind.HELLO ? RequestKind.HELLO : RequestKind.RESERVE;
        }
        final double draw = random.nextDouble();
        if (draw >= plan.confirmFraction + plan.cancelFraction)
        {
            return RequestKind.RESERVE;
        }
        checkoutId = checkoutId(body);
        if (checkoutId <= 0)
        {
            return RequestKind.RESERVE;
        }
        return draw < plan.confirmFraction ? RequestKind.CONFIRM : RequestKind.CANCEL;
    }

    private ByteBuf request(final RequestKind kind)
    {
        return switch (kind)
        {
            case HELLO -> plan.requests.hello(ctx.alloc());
            case RESERVE -> reserve();
            case CONFIRM ->
            {
                text.setLength(0);
                text.append("{\"paymentRef\":\"pay-").append(checkoutId).append("\"}");
                yield plan.requests.confirm(ctx.alloc(), checkoutId, customerToken, text);
            }
            case CANCEL -> plan.requests.cancel(ctx.alloc(), checkoutId, customerToken);
        };
    }

    /** A reserve of one unit by a new random customer, whose token the follow-ups reuse. */
    private ByteBuf reserve()
    {
        final long customerId = random.nextLong(1, plan.customers + 1);
        customerToken = plan.tokens != null ? plan.tokens[(int)(customerId - 1)] :
            loop.tokens.sign(plan.client, customerId, plan.tokenExpiresAtEpochSeconds);
        final String sku = plan.skus[plan.skus.length == 1 ? 0 : random.nextInt(plan.skus.length)];
        text.setLength(0);
        text.append("{\"customerId\":").append(customerId).append(",\"lines\":[{\"sku\":\"").append(sku)
            .append("\",\"qty\":1}]");
        if (plan.holdSeconds > 0)
        {
            text.append(",\"holdSeconds\":").append(plan.holdSeconds);
        }
        text.append('}');
        key.setLength(0);
        key.append(plan.keyPrefix).append(index).append('-').append(++keyCounter);
        return plan.requests.reserve(ctx.alloc(), customerToken, key, text);
    }

    private void finish()
    {
        if (!done)
        {
            done = true;
            finished.countDown();
        }
    }

    /** @return the id in {@code "checkoutId":"<digits>"} of a 201 body, or 0 if there is none. */
    private static long checkoutId(final ByteBuf body)
    {
        final int end = body.writerIndex();
        search:
        for (int at = body.readerIndex(); at <= end - CHECKOUT_ID.length; at++)
        {
            for (int i = 0; i < CHECKOUT_ID.length; i++)
            {
                if (body.getByte(at + i) != CHECKOUT_ID[i])
                {
                    continue search;
                }
            }
            long id = 0;
            for (int i = at + CHECKOUT_ID.length; i < end; i++)
            {
                final int digit = body.getByte(i) - '0';
                if (digit < 0 || digit > 9)
                {
                    break;
                }
                if (id > (Long.MAX_VALUE - digit) / 10)
                {
                    return 0;
                }
                id = id * 10 + digit;
            }
            return id;
        }
        return 0;
    }
}
