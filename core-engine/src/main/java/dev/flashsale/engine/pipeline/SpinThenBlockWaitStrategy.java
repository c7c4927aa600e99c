package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Spins a few microseconds for the next slot, then blocks until a publisher signals. A publisher
 * pays for a signal (a lock and a notify) only when the consumer is blocked, so a burst of
 * publishes wakes it once; and a consumer that is behind never waits. Made for the core thread on
 * a small machine, whose cores belong to the event loops as soon as the ring is empty: no yield
 * phase (a yielding thread on a busy two-core machine is a spinning one), no sleeping with a
 * request in the ring.
 *
 * <p>No lost wake-up: the consumer raises {@code signalNeeded} and then reads the cursor, holding
 * the monitor from before the flag until it waits; a publisher advances the cursor and then
 * clears the flag, notifying under the monitor if it was raised. One of the two sees the other.
 *
 * <p>A publisher that publishes many inputs in a row (an event loop, one per request of a read
 * batch) may defer its signals ({@link #deferSignals}): its publishes then leave the flag alone,
 * and its {@link #signal} after the last one wakes the consumer once for all of them. The
 * protocol holds: the deferred publishes advanced the cursor before that signal clears the flag.
 */
final class SpinThenBlockWaitStrategy implements WaitStrategy
{
    /** Spins before blocking: about 2 to 10 us, less than a wake-up costs, more than a publisher's fill of a slot. */
    static final int SPINS = 256;
    /** A nap while the stage this one follows (not a publisher: it does not signal) still holds the slot. */
    static final long DEPENDENT_NAP_NS = 20_000;

    private final Object monitor = new Object();
    private final AtomicBoolean signalNeeded = new AtomicBoolean();
    /** Per publisher thread: whether its publishes leave the signal to its next {@link #signal}. */
    private final ThreadLocal<boolean[]> deferring = ThreadLocal.withInitial(() -> new boolean[1]);

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException
    {
        long available;
        for (int i = 0; i < SPINS; i++)
        {
            if ((available = dependentSequence.get()) >= sequence)
            {
                return available;
            }
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        if (cursor.get() < sequence)
        {
            synchronized (monitor)
            {
                while (true)
                {
                    signalNeeded.set(true);
                    if (cursor.get() >= sequence)
                    {
                        break;
                    }
                    barrier.checkAlert();
                    monitor.wait();
                }
            }
        }
        // Claimed: wait the few nanoseconds until published, or, with a thread per stage, until the
        // stages this one follows pass it (a journaller forcing the disk takes a millisecond: yield, then nap).
        for (int waits = 0; (available = dependentSequence.get()) < sequence; waits++)
        {
            barrier.checkAlert();
            if (waits < SPINS)
            {
                Thread.onSpinWait();
            }
            else if (waits < 2 * SPINS)
            {
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(DEPENDENT_NAP_NS);
            }
        }
        return available;
    }

    /**
     * While {@code defer} holds, the publishes of the calling thread do not wake the consumer: the
     * thread owes a {@link #signal} after its last publish.
     */
    void deferSignals(final boolean defer)
    {
        deferring.get()[0] = defer;
    }

    @Override
    public void signalAllWhenBlocking()
    {
        if (!deferring.get()[0])
        {
            signal();
        }
    }

    /** Wakes the consumer if it blocked: what a publish does, and what a publisher that deferred owes. */
    void signal()
    {
        if (signalNeeded.getAndSet(false))
        {
            synchronized (monitor)
            {
                monitor.notifyAll();
            }
        }
    }
}
