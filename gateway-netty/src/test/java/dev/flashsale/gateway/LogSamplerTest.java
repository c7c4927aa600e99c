package dev.flashsale.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The access log's sampler, on a clock the test moves by hand. */
class LogSamplerTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void letsAtMostTheBoundThroughEachSecondAndReportsTheDroppedWithTheNextLine()
    {
        final LogSampler sampler = new LogSampler(3);
        final long start = 5 * SECOND + 123;
        for (int i = 0; i < 3; i++)
        {
            assertThat(sampler.admit(start + i)).as("line %d of the first second", i).isEqualTo(0);
        }
        for (int i = 0; i < 1000; i++)
        {
            assertThat(sampler.admit(start + 10 + i)).as("past the bound").isEqualTo(LogSampler.DROP);
        }
        assertThat(sampler.droppedTotal()).isEqualTo(1000);

        final long next = 6 * SECOND;
        assertThat(sampler.admit(next)).as("the first line of the next second reports what was dropped").isEqualTo(1000);
        assertThat(sampler.admit(next + 1)).as("reported once").isEqualTo(0);
        assertThat(sampler.admit(next + 2)).isEqualTo(0);
        assertThat(sampler.admit(next + 3)).isEqualTo(LogSampler.DROP);
        assertThat(sampler.admit(9 * SECOND)).as("a quiet gap, then a line").isEqualTo(1);
        assertThat(sampler.droppedTotal()).isEqualTo(1001);
    }

    @Test
    void aClockThatDoesNotMoveForwardKeepsTheSecondItIsIn()
    {
        final LogSampler sampler = new LogSampler(1);
        assertThat(sampler.admit(10 * SECOND)).isEqualTo(0);
        assertThat(sampler.admit(9 * SECOND)).as("an earlier reading opens no new second").isEqualTo(LogSampler.DROP);
        assertThat(sampler.admit(11 * SECOND)).isEqualTo(1);
    }

    @Test
    void negativeNanoTimesAreSecondsLikeAnyOther()
    {
        final LogSampler sampler = new LogSampler(1);
        assertThat(sampler.admit(-3 * SECOND - 1)).isEqualTo(0);
        assertThat(sampler.admit(-3 * SECOND + 1)).as("the next second (floor division)").isEqualTo(0);
        assertThat(sampler.admit(-3 * SECOND + 2)).isEqualTo(LogSampler.DROP);
    }

    @Test
    void zeroWritesNothingAndANegativeBoundIsRefused()
    {
        final LogSampler off = new LogSampler(0);
        for (int i = 0; i < 5; i++)
        {
            assertThat(off.admit(i * SECOND)).isEqualTo(LogSampler.DROP);
        }
        assertThat(off.droppedTotal()).isEqualTo(5);
        assertThatThrownBy(() -> new LogSampler(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadsRacingTogetherNeverPassMoreThanTheBoundPlusOnePerThreadAndLoseNoCount() throws Exception
    {
        final LogSampler sampler = new LogSampler(50);
        final int threads = 4;
        final int perThread = 10_000;
        final long[] admitted = new long[threads];
        final long[] reported = new long[threads];
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int me = t;
            workers[t] = new Thread(() ->
            {
                for (int i = 0; i < perThread; i++)
                {
                    final long result = sampler.admit(SECOND); // one second for all: only the bound decides
                    if (result != LogSampler.DROP)
                    {
                        admitted[me]++;
                        reported[me] += result;
                    }
                }
            });
            workers[t].start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        final long totalAdmitted = java.util.Arrays.stream(admitted).sum();
        assertThat(totalAdmitted).isEqualTo(50);
        assertThat(sampler.droppedTotal()).isEqualTo((long)threads * perThread - totalAdmitted);
        final long reportedLater = sampler.admit(2 * SECOND);
        assertThat(java.util.Arrays.stream(reported).sum() + reportedLater).as("every dropped line reported once")
            .isEqualTo(sampler.droppedTotal());
    }
}
