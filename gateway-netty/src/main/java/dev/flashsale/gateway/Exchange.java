package dev.flashsale.gateway;

import dev.flashsale.engine.protocol.ProtocolLimits;
import io.netty.channel.EventLoop;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One request waiting on the engine, pre-allocated and reused. The event loop fills it and
 * publishes; the responder copies the result in and queues the exchange on its event loop's
 * {@link Handback}, whose task answers and releases it. A failure (timeout, pipeline stopped)
 * hands the exchange itself to the event loop ({@link #run()}). No object is allocated per
 * request on this path.
 */
final class Exchange implements Runnable
{
    static final int FREE = 0;
    /** Taken by an event loop, being filled; not yet visible to the responder or to failWaiting. */
    static final int CLAIMED = 5;
    static final int WAITING = 1;
    static final int COMPLETING = 2;
    static final int COMPLETED = 3;
    static final int FAILED = 4;

    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(Exchange.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final ExchangeTable table;
    private final int index;
    private final int capacity;
    private final UnsafeBuffer result = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
    private long generation;
    private volatile long correlationId;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    private int resultLength;

    // Set by the event loop before publishing; read by it again in run().
    AnswerQueue answers;
    Route route;
    long startNanos;
    String ifNoneMatch;
    boolean keepAlive;
    /** Event loop only: {@link #run()} came, so the answer may be written and the exchange released. */
    boolean delivered;
    /** Event loop only: failed because the engine did not answer within {@code gateway.engine-timeout-ms}. */
    boolean timedOut;

    Exchange(final ExchangeTable table, final int index, final int capacity)
    {
        this.table = table;
        this.index = index;
        this.capacity = capacity;
    }

    void renew()
    {
        generation++;
        correlationId = generation * capacity + index + 1;
        resultLength = 0;
        ifNoneMatch = null;
        delivered = false;
        timedOut = false;
        STATE.setVolatile(this, CLAIMED);
    }

    /** Event loop, after filling the fields and before publishing: from now on an answer or a failure may come. */
    void arm()
    {
        STATE.setVolatile(this, WAITING);
    }

    long correlationId()
    {
        return correlationId;
    }

    int state()
    {
        return (int)STATE.getVolatile(this);
    }

    /**
     * Responder thread: takes the result. The responder then queues the exchange on its loop's
     * {@link Handback}, which answers it. @return false if the exchange was failed first.
     */
    boolean complete(final long forCorrelationId, final DirectBuffer buffer, final int length)
    {
        if (!STATE.compareAndSet(this, WAITING, COMPLETING))
        {
            return false;
        }
        if (correlationId != forCorrelationId) // failed, answered and reused since the look-up
        {
            STATE.setVolatile(this, WAITING);
            return false;
        }
        result.putBytes(0, buffer, 0, length);
        resultLength = length;
        STATE.setVolatile(this, COMPLETED);
        return true;
    }

    /** Any thread: answers 503 unless the result came first. */
    void fail()
    {
        while (true)
        {
            final int state = (int)STATE.getVolatile(this);
            if (state == COMPLETING) // a result being copied in, or a stale one about to be turned back: wait and see
            {
                Thread.onSpinWait();
                continue;
            }
            if (state != WAITING)
            {
                return;
            }
            if (STATE.compareAndSet(this, WAITING, FAILED))
            {
                eventLoop().execute(this);
                return;
            }
        }
    }

    /**
     * Event loop: publishing failed, so no result will come. Back to the table at once, unless a
     * failure got it first: then its {@link #run()} is queued and releases it.
     */
    void abandon()
    {
        if (STATE.compareAndSet(this, WAITING, FREE))
        {
            answers = null;
            table.release(this);
        }
    }

    private EventLoop eventLoop()
    {
        return answers.eventLoop();
    }

    /** @return where the responder queues this exchange's answer: its connection's event loop. */
    Handback handback()
    {
        return answers.handback();
    }

    /** Event loop, a failure: hand the answer to its connection's queue, which writes and flushes it in request order. */
    @Override
    public void run()
    {
        delivered = true;
        answers.onCompleted(this, null);
    }

    /** Event loop, from a hand-back task: as {@link #run()}, the flush left to the end of the task. */
    void deliver(final Handback batch)
    {
        delivered = true;
        answers.onCompleted(this, batch);
    }

    boolean failed()
    {
        return state() == FAILED;
    }

    DirectBuffer result()
    {
        return result;
    }

    int resultLength()
    {
        return resultLength;
    }

    /** Event loop, after the answer was written (or its connection closed). */
    void release()
    {
        STATE.setVolatile(this, FREE);
        answers = null;
        route = null;
        ifNoneMatch = null;
        table.release(this);
    }

    int index()
    {
        return index;
    }
}
