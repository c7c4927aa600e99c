package dev.flashsale.gateway;

import dev.flashsale.engine.protocol.ProtocolLimits;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
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
    static final int WAITING = 1;
    static final int COMPLETING = 2;
    static final int COMPLETED = 3;
    static final int FAILED = 4;
    /** Taken by an event loop, being filled; not yet visible to the responder or to failWaiting. */
    static final int CLAIMED = 5;

    /**
     * The state and the correlation id are one word, {@code correlationId << STATE_BITS | state},
     * changed by compare-and-set as a whole: the responder takes an exchange for a result only if
     * it is waiting for that very id, so a stale result (for a generation failed and reused since
     * the responder looked it up) changes nothing, and an {@link #abandon} never finds it taken.
     */
    private static final int STATE_BITS = 3;
    private static final long STATE_MASK = (1L << STATE_BITS) - 1;
    private static final VarHandle WORD;

    static
    {
        try
        {
            WORD = MethodHandles.lookup().findVarHandle(Exchange.class, "word", long.class);
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
    @SuppressWarnings("unused") // through WORD
    private volatile long word;
    private int resultLength;

    // Set by the event loop before publishing; read by it again in run().
    AnswerQueue answers;
    Route route;
    long startNanos;
    /** The request's id, method and target, for {@code X-Request-Id} and the access log (the Call is reused). */
    String requestId;
    HttpMethod method;
    String uri;
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

    private static long word(final long correlationId, final int state)
    {
        return correlationId << STATE_BITS | state;
    }

    private static int state(final long word)
    {
        return (int)(word & STATE_MASK);
    }

    private static long withState(final long word, final int state)
    {
        return word & ~STATE_MASK | state;
    }

    void renew()
    {
        generation++;
        resultLength = 0;
        ifNoneMatch = null;
        delivered = false;
        timedOut = false;
        WORD.setVolatile(this, word(generation * capacity + index + 1, CLAIMED));
    }

    /** Event loop, after filling the fields and before publishing: from now on an answer or a failure may come. */
    void arm()
    {
        WORD.setVolatile(this, withState((long)WORD.getVolatile(this), WAITING));
    }

    long correlationId()
    {
        return (long)WORD.getVolatile(this) >>> STATE_BITS;
    }

    int state()
    {
        return state((long)WORD.getVolatile(this));
    }

    /** @return true if this exchange waits for the result of {@code forCorrelationId} (at the time of the call). */
    boolean waitingFor(final long forCorrelationId)
    {
        return (long)WORD.getVolatile(this) == word(forCorrelationId, WAITING);
    }

    /**
     * Responder thread: takes the result. The responder then queues the exchange on its loop's
     * {@link Handback}, which answers it. @return false if the exchange no longer waits for
     * {@code forCorrelationId} (failed first, or reused since): nothing about it changed.
     */
    boolean complete(final long forCorrelationId, final DirectBuffer buffer, final int length)
    {
        if (!WORD.compareAndSet(this, word(forCorrelationId, WAITING), word(forCorrelationId, COMPLETING)))
        {
            return false;
        }
        result.putBytes(0, buffer, 0, length);
        resultLength = length;
        WORD.setVolatile(this, word(forCorrelationId, COMPLETED));
        return true;
    }

    /** Any thread: answers 503 unless the result came first. */
    void fail()
    {
        while (true)
        {
            final long word = (long)WORD.getVolatile(this);
            final int state = state(word);
            if (state == COMPLETING) // its result being copied in: it completes in a moment
            {
                Thread.onSpinWait();
                continue;
            }
            if (state != WAITING)
            {
                return;
            }
            if (WORD.compareAndSet(this, word, withState(word, FAILED)))
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
        final long word = (long)WORD.getVolatile(this);
        // Only a failure can change the word now (no result comes for an id never published): then run() releases it.
        if (state(word) == WAITING && WORD.compareAndSet(this, word, withState(word, FREE)))
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
        WORD.setVolatile(this, withState((long)WORD.getVolatile(this), FREE));
        answers = null;
        route = null;
        ifNoneMatch = null;
        requestId = null;
        method = null;
        uri = null;
        table.release(this);
    }

    int index()
    {
        return index;
    }
}
