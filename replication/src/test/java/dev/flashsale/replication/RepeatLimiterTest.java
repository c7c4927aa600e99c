package dev.flashsale.replication;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepeatLimiterTest
{
    private final AtomicLong now = new AtomicLong(1_000);
    private final RepeatLimiter limiter = new RepeatLimiter(TimeUnit.SECONDS.toNanos(10), 3, now::get);

    @Test
    void anErrorIsSaidOnceThenItsRepeatsOncePerWindowWithTheirCount()
    {
        for (int i = 0; i < 3; i++)
        {
            assertThat(limiter.admit("UnknownHostException: fs-b")).as("the burst").isEqualTo(RepeatLimiter.SAID);
        }
        for (int i = 0; i < 359; i++)
        {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(20));
            assertThat(limiter.admit("UnknownHostException: fs-b")).isEqualTo(RepeatLimiter.QUIET);
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(3)); // 10.18 s after the window opened
        assertThat(limiter.admit("UnknownHostException: fs-b")).isEqualTo(359);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(limiter.admit("UnknownHostException: fs-b")).isEqualTo(RepeatLimiter.SAID);
        assertThat(limiter.admit("UnknownHostException: fs-b")).isEqualTo(RepeatLimiter.SAID);
        assertThat(limiter.admit("UnknownHostException: fs-b")).isEqualTo(RepeatLimiter.QUIET);
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertThat(limiter.admit("UnknownHostException: fs-b")).as("one repeat kept quiet in the last window").isEqualTo(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertThat(limiter.admit("UnknownHostException: fs-b")).as("none since").isEqualTo(0);
    }

    @Test
    void differentErrorsAreCountedApart()
    {
        for (int i = 0; i < 3; i++)
        {
            assertThat(limiter.admit("a")).isEqualTo(RepeatLimiter.SAID);
        }
        assertThat(limiter.admit("b")).isEqualTo(RepeatLimiter.SAID);
        assertThat(limiter.admit("a")).isEqualTo(RepeatLimiter.QUIET);
        assertThat(limiter.admit("c")).isEqualTo(RepeatLimiter.SAID);
    }

    @Test
    void pastTheKindsItRemembersItStartsAfreshRatherThanGrow()
    {
        for (int i = 0; i <= RepeatLimiter.MAX_KINDS; i++)
        {
            assertThat(limiter.admit("error " + i)).isEqualTo(RepeatLimiter.SAID);
            assertThat(limiter.admit("error " + i)).isEqualTo(RepeatLimiter.SAID);
            assertThat(limiter.admit("error " + i)).isEqualTo(RepeatLimiter.SAID);
        }
        assertThat(limiter.admit("error 0")).as("forgotten with the rest: a new window").isEqualTo(RepeatLimiter.SAID);
    }

    @Test
    void aWindowAndItsBurstMustBePositive()
    {
        assertThatThrownBy(() -> new RepeatLimiter(0, 3, now::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepeatLimiter(1, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
