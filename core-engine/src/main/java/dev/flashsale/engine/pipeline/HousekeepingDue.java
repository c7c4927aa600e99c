package dev.flashsale.engine.pipeline;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * When the engine next has housekeeping due (engine time, ms; {@code Long.MAX_VALUE} if never),
 * published by the engine's thread after each batch and read by the ticker, which sleeps until
 * then. The ticker says when it will wake if it sleeps longer than its interval ({@link #sleepUntil});
 * a due time earlier than that (the first hold after none, or a hold shorter than those before it)
 * wakes it, so it never sleeps past work. Under load the ticker sleeps its interval and says so,
 * and the engine's thread never wakes it: each batch costs it a read and, if the due time changed,
 * a write.
 *
 * <p>No missed wake-up: the ticker writes when it will wake, then reads the due time; the engine's
 * thread writes the due time, then reads when the ticker will wake (both volatile). One of the
 * two sees the other's write.
 */
final class HousekeepingDue
{
    /** {@link #sleepUntil} for a sleep of one interval: nothing needs to wake it. */
    static final long WAKES_WITHIN_INTERVAL = Long.MIN_VALUE;

    private final AtomicLong dueMs;
    private volatile long sleeperWakesAtMs = WAKES_WITHIN_INTERVAL;
    private volatile Thread ticker;

    HousekeepingDue(final long dueMs)
    {
        this.dueMs = new AtomicLong(dueMs);
    }

    /** The engine's thread, after a batch. */
    void publish(final long due)
    {
        if (due != dueMs.get())
        {
            dueMs.set(due);
            final Thread waiting = ticker;
            if (due < sleeperWakesAtMs && waiting != null)
            {
                LockSupport.unpark(waiting);
            }
        }
    }

    /**
     * The ticker, before it sleeps: when it will wake, or {@link #WAKES_WITHIN_INTERVAL}. It reads
     * {@link #dueMs()} after this, and sleeps less if the due time moved earlier meanwhile.
     */
    void sleepUntil(final long wakesAtMs)
    {
        sleeperWakesAtMs = wakesAtMs;
    }

    long dueMs()
    {
        return dueMs.get(); // volatile, not acquire: the ticker writes when it wakes, then reads this (see above)
    }

    /** The thread that sleeps until the due time: woken when it moves earlier. */
    void sleeper(final Thread thread)
    {
        this.ticker = thread;
    }
}
