package dev.flashsale.engine.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class HousekeepingDueTest
{
    @Test
    void aDueTimeEarlierThanTheSleeperWakesWakesItAndALaterOneDoesNot() throws Exception
    {
        final HousekeepingDue due = new HousekeepingDue(Long.MAX_VALUE);
        due.sleepUntil(3_000);
        final CountDownLatch asleep = new CountDownLatch(1);
        final CountDownLatch woken = new CountDownLatch(1);
        final Thread sleeper = new Thread(() ->
        {
            asleep.countDown();
            while (due.dueMs() > 1_000)
            {
                LockSupport.parkNanos(TimeUnit.MINUTES.toNanos(10)); // far longer than the test may take
            }
            woken.countDown();
        }, "sleeper");
        due.sleeper(sleeper);
        sleeper.start();
        asleep.await();

        due.publish(5_000); // later than it wakes: no wake-up needed
        due.publish(9_000);
        assertThat(woken.await(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(due.dueMs()).isEqualTo(9_000);

        due.publish(1_000); // earlier than it wakes: wakes it, and it sees the new due time
        assertThat(woken.await(20, TimeUnit.SECONDS)).as("woken when the due time moved earlier").isTrue();
        sleeper.join(5_000);
    }
}
