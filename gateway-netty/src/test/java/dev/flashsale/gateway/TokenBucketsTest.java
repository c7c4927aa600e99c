package dev.flashsale.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketsTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    void grantsTheBurstThenTheRate()
    {
        final TokenBuckets buckets = new TokenBuckets(10, 5, 64);
        final long t0 = 1_000 * SECOND;
        for (int i = 0; i < 5; i++)
        {
            assertThat(buckets.tryTake(7, t0)).isZero();
        }
        final long wait = buckets.tryTake(7, t0);
        assertThat(wait).isEqualTo(SECOND / 10);
        assertThat(buckets.tryTake(7, t0 + SECOND / 10)).isZero();
        assertThat(buckets.tryTake(7, t0 + SECOND / 10)).isPositive();
        assertThat(buckets.tryTake(8, t0)).as("another key has its own bucket").isZero();
        // A long pause refills to the burst, not beyond.
        final long later = t0 + 3600 * SECOND;
        for (int i = 0; i < 5; i++)
        {
            assertThat(buckets.tryTake(7, later)).isZero();
        }
        assertThat(buckets.tryTake(7, later)).isPositive();
    }

    @Test
    void rateZeroIsUnlimited()
    {
        final TokenBuckets buckets = new TokenBuckets(0, 1, 64);
        for (int i = 0; i < 10_000; i++)
        {
            assertThat(buckets.tryTake(1, 0)).isZero();
        }
    }
}
