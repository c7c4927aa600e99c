package dev.flashsale.gateway;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets at most {@code maxPerSecond} log lines through in each second of the monotonic clock and
 * counts the rest, so that a flood of refusals (429s in a sale's first second, 409s once sold out)
 * cannot fill the disk or starve the event loops on logging. The count of lines dropped is handed
 * to the next line let through, which reports it. Any thread; lock-free. The bound holds
 * exactly; a clock read earlier than the current second counts in the current one.
 */
final class LogSampler
{
    /** Returned by {@link #admit} for a line that must not be written. */
    static final long DROP = -1;
    /** Most lines a second the bound may be. */
    static final int MAX_PER_SECOND = (1 << 24) - 1;

    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int maxPerSecond;
    /** The second (upper 40 bits, signed) and the lines let through in it (lower 24 bits), changed together. */
    private final AtomicLong window = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong reported = new AtomicLong();

    /** @param maxPerSecond lines a second, 0..{@value #MAX_PER_SECOND}; 0 drops every line. */
    LogSampler(final int maxPerSecond)
    {
        if (maxPerSecond < 0 || maxPerSecond > MAX_PER_SECOND)
        {
            throw new IllegalArgumentException("maxPerSecond " + maxPerSecond + " is not 0.." + MAX_PER_SECOND);
        }
        this.maxPerSecond = maxPerSecond;
    }

    /**
     * @param nowNanos the monotonic clock ({@link System#nanoTime()}).
     * @return {@link #DROP} if the line must not be written (it is counted), else the number of lines
     *     dropped since the last line let through reported its count (0 mostly), for this line to report.
     */
    long admit(final long nowNanos)
    {
        final long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
        while (true)
        {
            final long current = window.get();
            final long currentSecond = current >> COUNT_BITS;
            final long count = current & COUNT_MASK;
            final boolean sameSecond = second <= currentSecond; // a clock read late by another thread counts in the newer second
            if (sameSecond && count >= maxPerSecond || maxPerSecond == 0)
            {
                // Past the bound in a flood each line costs a read and a striped add: no contended write.
                dropped.increment();
                return DROP;
            }
            final long next = sameSecond ? current + 1 : second << COUNT_BITS | 1;
            if (window.compareAndSet(current, next))
            {
                break;
            }
        }
        final long total = dropped.sum();
        final long before = reported.getAndAccumulate(total, Math::max);
        return Math.max(0, total - before);
    }

    /** @return the lines dropped since start. */
    long droppedTotal()
    {
        return dropped.sum();
    }
}
