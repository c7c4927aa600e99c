package dev.flashsale.journal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes the threads that follow a journal (the snapshotter's shadow engine, the read projections)
 * when its writer appended, so that a follower with nothing to read sleeps until there is
 * something, instead of looking again every few tens of milliseconds: an idle node's followers then
 * wake about once a second, not twenty times each, and the first input after a quiet spell reaches
 * them at once.
 *
 * <p>The writer {@link #ring}s after each batch it appended: an increment, and an unpark for each
 * follower asleep (none under load: a follower that has input does not sleep). A follower reads
 * {@link #rings()} before it looks at the journal and, finding nothing, sleeps with what it read
 * ({@link Sleeper#sleep}): it says it sleeps and then reads the count again, and the writer counts
 * and then reads who sleeps (all volatile), so either the follower sees the new count and does not
 * sleep, or the writer sees the sleeper and wakes it. A sleep is bounded all the same
 * ({@code maxNanos}): a writer that never rings (a journal written by another process) makes the
 * follower look at that pace.
 */
public final class JournalDoorbell
{
    private static final Sleeper[] NONE = new Sleeper[0];

    private final AtomicLong rings = new AtomicLong();
    private volatile Sleeper[] sleepers = NONE;

    /** The writer, after a batch it appended is readable. */
    public void ring()
    {
        rings.incrementAndGet();
        for (final Sleeper sleeper : sleepers)
        {
            if (sleeper.asleep)
            {
                LockSupport.unpark(sleeper.thread);
            }
        }
    }

    /** @return rings so far: a follower reads this before it looks at the journal. */
    public long rings()
    {
        return rings.get();
    }

    /** @return a sleeper for the calling thread, the one that follows the journal; {@link Sleeper#close} it when done. */
    public Sleeper sleeper()
    {
        final Sleeper sleeper = new Sleeper(Thread.currentThread());
        synchronized (this)
        {
            final Sleeper[] more = Arrays.copyOf(sleepers, sleepers.length + 1);
            more[more.length - 1] = sleeper;
            sleepers = more;
        }
        return sleeper;
    }

    private synchronized void remove(final Sleeper sleeper)
    {
        final Sleeper[] fewer = new Sleeper[sleepers.length - 1];
        int at = 0;
        for (final Sleeper each : sleepers)
        {
            if (each != sleeper)
            {
                fewer[at++] = each;
            }
        }
        sleepers = fewer;
    }

    /** One follower's thread, as the doorbell knows it. */
    public final class Sleeper implements AutoCloseable
    {
        private final Thread thread;
        private volatile boolean asleep;
        private boolean closed;

        private Sleeper(final Thread thread)
        {
            this.thread = thread;
        }

        /**
         * Parks the follower until the writer rings after {@code seen} (at once if it has), an unpark,
         * or {@code maxNanos}, whichever comes first.
         *
         * @param seen {@link #rings()} as read before the look that found nothing new.
         */
        public void sleep(final long seen, final long maxNanos)
        {
            asleep = true;
            if (rings.get() == seen)
            {
                LockSupport.parkNanos(this, maxNanos);
            }
            asleep = false;
        }

        @Override
        public void close()
        {
            if (!closed)
            {
                closed = true;
                remove(this);
            }
        }
    }
}
