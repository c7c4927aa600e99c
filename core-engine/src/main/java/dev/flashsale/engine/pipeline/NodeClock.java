package dev.flashsale.engine.pipeline;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clock that stamps inputs, and so engine time: the wall clock read once at start, then
 * advanced by a monotonic clock, so that a step of the wall clock (NTP, an operator's
 * {@code date -s}, a VM resumed with a stale clock) does not move engine time with it. Engine
 * time never goes back and a step forward is for good: one stamp an hour ahead would expire
 * every hold, evict idempotency keys early (a retry then takes a second hold) and end sales.
 *
 * <p>It still follows the wall clock's small corrections, so that the node keeps to UTC (sale
 * windows are UTC times): every {@link #CHECK_INTERVAL_NS} a caller of {@link #time()} compares
 * the wall clock with the elapsed time. A difference of up to {@code maxStepMs} either way is
 * followed; a larger step is followed by {@code maxStepMs} only, counted ({@link #steps()}) and
 * reported to the listener, and the rest is not taken: the node's clock then differs from the
 * wall clock by it ({@link #offsetFromWallClockMs()}) until the node restarts, which reads the
 * wall clock again. A node starts at the wall clock, or at the engine time it recovered if that
 * is later, so a clock set back across a restart does not stand engine time still either.
 *
 * <p>Monotonic time does not count a machine's suspend (Linux {@code CLOCK_MONOTONIC}): after
 * one, the node's clock is behind by the suspended time, shows it as an offset, and a restart
 * takes the wall clock again. Servers are not suspended in a sale; steps of the wall clock are
 * what happens.
 *
 * <p>Thread-safe: any publisher reads it; the wall-clock check is done by one caller at a time
 * and skipped, never waited for, by the others. No allocation.
 */
public final class NodeClock implements EpochClock
{
    /** How often the wall clock is compared with the elapsed time. */
    static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Two millisecond clocks read one after the other differ by up to this much without a step. */
    private static final long RESOLUTION_MS = 1;

    /** Hears a step of the wall clock larger than the bound. Called on the thread that saw it; must not block. */
    @FunctionalInterface
    public interface StepListener
    {
        /**
         * @param wallStepMs how far the wall clock moved beyond the elapsed time, negative if back.
         * @param followedMs how far the node's clock moved with it: the step bounded by {@code maxStepMs}.
         */
        void onStep(long wallStepMs, long followedMs);
    }

    private final EpochClock wallClock;
    private final NanoClock nanoClock;
    private final long maxStepMs;
    private final StepListener listener;
    private final long originNs;
    private final AtomicBoolean checking = new AtomicBoolean();
    /** The node's time at {@code originNs}: moves only by followed corrections. */
    private volatile long originMs;
    private volatile long nextCheckNs;
    private volatile long steps;
    /** Wall clock minus elapsed time at the last check; written under {@code checking}. */
    private long wallOriginMs;

    /**
     * @param wallClock the wall clock, epoch ms.
     * @param nanoClock a monotonic clock.
     * @param maxStepMs the largest step of the wall clock followed at once; 0 never follows it.
     * @param floorMs   the earliest time to start at: the engine time recovered.
     * @param listener  hears each step beyond {@code maxStepMs}.
     */
    public NodeClock(
        final EpochClock wallClock,
        final NanoClock nanoClock,
        final long maxStepMs,
        final long floorMs,
        final StepListener listener)
    {
        if (maxStepMs < 0)
        {
            throw new IllegalArgumentException("maxStepMs=" + maxStepMs + ": must be at least 0");
        }
        this.wallClock = wallClock;
        this.nanoClock = nanoClock;
        this.maxStepMs = maxStepMs;
        this.listener = listener;
        originNs = nanoClock.nanoTime();
        wallOriginMs = wallClock.time();
        originMs = Math.max(wallOriginMs, floorMs);
        nextCheckNs = originNs + CHECK_INTERVAL_NS;
    }

    /** @return the node's time, epoch ms. */
    @Override
    public long time()
    {
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - nextCheckNs >= 0)
        {
            followWallClock(nowNs);
        }
        return originMs + (nowNs - originNs) / 1_000_000;
    }

    /** @return steps of the wall clock beyond {@code maxStepMs} since start. */
    public long steps()
    {
        return steps;
    }

    /** @return the wall clock minus this clock, ms: 0 while no step was refused (give or take a millisecond). */
    public long offsetFromWallClockMs()
    {
        return wallClock.time() - time();
    }

    private void followWallClock(final long nowNs)
    {
        if (!checking.compareAndSet(false, true))
        {
            return; // another caller is checking: this one does not wait
        }
        try
        {
            if (nowNs - nextCheckNs < 0)
            {
                return; // checked since this caller looked
            }
            nextCheckNs = nowNs + CHECK_INTERVAL_NS;
            final long wallOrigin = wallClock.time() - (nowNs - originNs) / 1_000_000;
            final long stepMs = wallOrigin - wallOriginMs;
            wallOriginMs = wallOrigin;
            if (stepMs == 0)
            {
                return;
            }
            final long followedMs = Math.max(-maxStepMs, Math.min(maxStepMs, stepMs));
            originMs += followedMs;
            if (Math.abs(stepMs - followedMs) > RESOLUTION_MS)
            {
                steps++;
                listener.onStep(stepMs, followedMs);
            }
        }
        finally
        {
            checking.set(false);
        }
    }
}
