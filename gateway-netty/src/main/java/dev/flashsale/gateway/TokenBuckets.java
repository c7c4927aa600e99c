package dev.flashsale.gateway;

/**
 * Token buckets keyed by a long (a client id, a customer id), in a fixed table allocated at
 * start: refill {@code ratePerSecond}, hold at most {@code burst}. A key that hashes to a slot
 * held by another key takes the slot over with a full bucket, so the table never grows; size it
 * above the number of customers active within a burst's refill time. Striped locks; any thread.
 */
final class TokenBuckets
{
    private static final int STRIPES = 64;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long ratePerSecond;
    private final long burstNanoTokens;
    private final long[] keys;
    private final long[] lastRefillNanos;
    private final long[] nanoTokens; // tokens in units of 1e-9, so refill is integer arithmetic
    private final Object[] locks = new Object[STRIPES];
    private final int mask;

    /** @param ratePerSecond 0 = unlimited. */
    TokenBuckets(final long ratePerSecond, final long burst, final int size)
    {
        this.ratePerSecond = ratePerSecond;
        this.burstNanoTokens = Math.multiplyHigh(burst, NANOS_PER_SECOND) == 0 ? burst * NANOS_PER_SECOND : Long.MAX_VALUE;
        final int slots = ratePerSecond == 0 ? 1 : size;
        keys = new long[slots];
        lastRefillNanos = new long[slots];
        nanoTokens = new long[slots];
        java.util.Arrays.fill(keys, Long.MIN_VALUE);
        mask = slots - 1;
        for (int i = 0; i < STRIPES; i++)
        {
            locks[i] = new Object();
        }
    }

    /**
     * Takes one token for {@code key}.
     *
     * @return 0 if granted, else the nanoseconds until one token is back.
     */
    long tryTake(final long key, final long nowNanos)
    {
        if (ratePerSecond == 0)
        {
            return 0;
        }
        final int slot = (int)(mix(key) & mask);
        synchronized (locks[slot & (STRIPES - 1)])
        {
            if (keys[slot] != key)
            {
                keys[slot] = key;
                nanoTokens[slot] = burstNanoTokens;
                lastRefillNanos[slot] = nowNanos;
            }
            final long elapsed = Math.max(0, nowNanos - lastRefillNanos[slot]);
            lastRefillNanos[slot] = nowNanos;
            // elapsed ns * rate tokens/s = elapsed * rate nano-tokens
            final long refill = elapsed > burstNanoTokens / ratePerSecond ? burstNanoTokens : elapsed * ratePerSecond;
            nanoTokens[slot] = Math.min(burstNanoTokens, nanoTokens[slot] + refill);
            if (nanoTokens[slot] >= NANOS_PER_SECOND)
            {
                nanoTokens[slot] -= NANOS_PER_SECOND;
                return 0;
            }
            return Math.max(1, (NANOS_PER_SECOND - nanoTokens[slot]) / ratePerSecond);
        }
    }

    private static long mix(final long key)
    {
        long h = key * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }
}
