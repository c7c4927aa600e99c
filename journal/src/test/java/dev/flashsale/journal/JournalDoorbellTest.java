package dev.flashsale.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A follower sleeps on the doorbell until the writer rings after what the follower last saw. The
 * sleeps here are an hour long: a lost wake-up shows as the test's timeout, never as a slow pass.
 */
@Timeout(60)
class JournalDoorbellTest
{
    private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);

    private final JournalDoorbell doorbell = new JournalDoorbell();

    @Test
    void aRingAfterTheLookEndsTheSleepBeforeItBegins()
    {
        try (JournalDoorbell.Sleeper sleeper = doorbell.sleeper())
        {
            final long seen = doorbell.rings();
            doorbell.ring(); // the writer appended between the follower's look and its sleep
            sleeper.sleep(seen, HOUR_NS);
            assertThat(doorbell.rings()).isEqualTo(seen + 1);
        }
    }

    @Test
    void aRingWakesAFollowerAsleep() throws InterruptedException
    {
        final AtomicLong woken = new AtomicLong();
        final Thread follower = new Thread(() ->
        {
            try (JournalDoorbell.Sleeper sleeper = doorbell.sleeper())
            {
                final long seen = doorbell.rings();
                while (doorbell.rings() == seen) // a park may return for no reason: sleep again until the ring
                {
                    sleeper.sleep(seen, HOUR_NS);
                }
                woken.set(doorbell.rings());
            }
        });
        follower.start();
        while (follower.getState() != Thread.State.TIMED_WAITING)
        {
            Thread.onSpinWait();
        }
        doorbell.ring();
        follower.join();
        assertThat(woken.get()).isEqualTo(1);
    }

    @Test
    void noAppendIsMissedBetweenALookAndASleep() throws InterruptedException
    {
        final long appends = 200_000;
        final AtomicLong appended = new AtomicLong();
        final AtomicLong read = new AtomicLong();
        final Thread follower = new Thread(() ->
        {
            try (JournalDoorbell.Sleeper sleeper = doorbell.sleeper())
            {
                while (read.get() < appends)
                {
                    final long seen = doorbell.rings(); // before the look, as the snapshotter and the projections do
                    final long available = appended.get();
                    if (available > read.get())
                    {
                        read.set(available);
                    }
                    else
                    {
                        sleeper.sleep(seen, HOUR_NS);
                    }
                }
            }
        });
        follower.start();
        for (long i = 1; i <= appends; i++)
        {
            appended.set(i);
            doorbell.ring();
            if (i % 1_000 == 0)
            {
                Thread.yield(); // let the follower catch up and sleep now and then
            }
        }
        follower.join();
        assertThat(read.get()).isEqualTo(appends);
    }
}
