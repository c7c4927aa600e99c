package dev.flashsale.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * Paces a thread that follows the node from behind (the snapshotter's shadow engine, the read
 * projections) so that it does not take the request path's cores during a burst. While the node
 * takes input, the follower works in slices and pauses after each long enough to use at most
 * {@code share} of one core; once the node's input stops it catches up at full speed; and
 * whenever it is {@code maxLag} or more inputs behind it works without pausing, so its lag (and
 * so the recovery time, or the staleness of the read side) stays bounded however long the burst.
 *
 * <p>A share can also lower the follower thread's OS priority, so that it runs in the time the
 * request path leaves idle rather than beside it, which on a machine with fewer cores than busy
 * threads is the difference (docs/BENCHMARKS.md): {@code SCHED_IDLE} ({@code pipeline.background-idle})
 * where the thread may take its priority back, else a Linux nice value
 * ({@code pipeline.background-nice}). Once {@code maxLag} behind, the follower takes its normal
 * priority back, and lowers it again once it is under half of that. Taking it back needs
 * {@code CAP_SYS_NICE}; so the follower first lowers its nice value and tries to raise it again,
 * and uses {@code SCHED_IDLE} only if that worked (a thread that cannot leave {@code SCHED_IDLE}
 * would get next to nothing from a busy machine, past any bound). Without the privilege it stays
 * at its nice value (logged once): its lag is then bounded only while the node leaves it some CPU.
 * Under {@code SCHED_IDLE} the follower does not pause after its slices: the kernel already gives
 * it only what nothing else wants, and pausing as well would only make it fall behind.
 *
 * <p>One follower thread owns an instance. No clock is read here: the caller measures its slice.
 */
public final class BackgroundShare
{
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundShare.class);

    private final double share;
    private final long maxLag;
    private final LongSupplier nodeInput;
    private final int nice;
    private final boolean idle;
    private final ThreadPriority.Calls priority;
    private long lastNodeInput;
    private boolean lowered;
    private boolean idlePolicy; // lowered by SCHED_IDLE rather than by the nice value
    private boolean raiseRefused;
    private boolean raised; // took its normal priority back at maxLag: lowers it again under half of that

    /**
     * @param share     of one core while the node is busy, in (0, 1]; 1 never pauses.
     * @param maxLag    inputs behind the node from which the follower never pauses.
     * @param nodeInput the node's progress (the last input journaled, or whose events are written).
     */
    public BackgroundShare(final double share, final long maxLag, final LongSupplier nodeInput)
    {
        this(share, maxLag, nodeInput, 0, false);
    }

    /**
     * As {@link #BackgroundShare(double, long, LongSupplier)}, with the follower thread at a lower
     * OS priority while it is less than {@code maxLag} behind.
     *
     * @param nice the follower's Linux nice value, 0 (unchanged) to 19 (lowest).
     * @param idle {@code SCHED_IDLE} instead, where the thread can take its priority back.
     */
    public BackgroundShare(final double share, final long maxLag, final LongSupplier nodeInput, final int nice,
        final boolean idle)
    {
        this(share, maxLag, nodeInput, nice, idle, ThreadPriority.OF_THE_CALLING_THREAD);
    }

    BackgroundShare(final double share, final long maxLag, final LongSupplier nodeInput, final int nice,
        final boolean idle, final ThreadPriority.Calls priority)
    {
        if (nice < 0 || nice > 19)
        {
            throw new IllegalArgumentException("a follower's nice value must be in 0..19: " + nice);
        }
        if (!(share > 0 && share <= 1))
        {
            throw new IllegalArgumentException("a background share must be in (0, 1]: " + share);
        }
        if (maxLag < 1)
        {
            throw new IllegalArgumentException("a background lag bound must be >= 1: " + maxLag);
        }
        this.share = share;
        this.maxLag = maxLag;
        this.nodeInput = nodeInput;
        this.nice = nice;
        this.idle = idle;
        this.priority = priority;
        this.lastNodeInput = nodeInput.getAsLong();
    }

    /**
     * Called by the follower thread once, as it starts: lowers its priority if this share has a
     * nice value or {@code SCHED_IDLE} (logs why not if that cannot be done: not Linux, say).
     */
    public void onFollowerStart()
    {
        if (idle)
        {
            startIdle();
        }
        else if (nice > 0)
        {
            lower();
        }
    }

    /** Probes whether the thread may take its priority back (lower its nice value, raise it again), then idles. */
    private void startIdle()
    {
        final int probe = Math.max(nice, 1);
        final String refused = priority.nice(probe);
        if (refused != null)
        {
            LOG.warn("{} keeps its normal priority: {}", Thread.currentThread().getName(), refused);
            return;
        }
        final String back = priority.nice(0);
        if (back != null)
        {
            lowered = true; // at the probe's nice value, the fallback's
            LOG.info("{} runs at nice {}, not under SCHED_IDLE: it could not take its priority back at its lag bound ({})",
                Thread.currentThread().getName(), probe, back);
            return;
        }
        idlePolicy = true;
        lower();
    }

    private void lower()
    {
        final String refused = idlePolicy ? priority.idle(true) : priority.nice(nice);
        if (refused == null)
        {
            lowered = true;
        }
        else
        {
            LOG.warn("{} keeps its normal priority: {}", Thread.currentThread().getName(), refused);
        }
    }

    /** @return a share that never pauses (a follower without a node to make room for: tools, tests). */
    public static BackgroundShare unpaced()
    {
        return new BackgroundShare(1, Long.MAX_VALUE, () -> 0);
    }

    /**
     * @param workedNanos how long the slice of work just done took.
     * @param position    the last input the follower has applied.
     * @return nanoseconds to pause before the next slice: 0 when the node took no input since the
     *     last call (idle: catch up), when the follower is {@code maxLag} or more behind, or when
     *     the share is a whole core, or while the follower is under {@code SCHED_IDLE}. With a
     *     lowered priority, also gives the follower its normal priority back at {@code maxLag}
     *     behind and lowers it again under half of that.
     */
    public long pauseNanos(final long workedNanos, final long position)
    {
        final long node = nodeInput.getAsLong();
        final boolean busy = node != lastNodeInput;
        lastNodeInput = node;
        if (lowered && node - position >= maxLag)
        {
            raise(node - position);
        }
        else if (!lowered && raised && node - position < maxLag / 2)
        {
            raised = false;
            lower();
        }
        if (!busy || share >= 1 || node - position >= maxLag || workedNanos <= 0 || lowered && idlePolicy)
        {
            return 0;
        }
        return (long)(workedNanos * ((1 - share) / share));
    }

    private void raise(final long lag)
    {
        if (raiseRefused)
        {
            return;
        }
        final String refused = idlePolicy ? priority.idle(false) : priority.nice(0);
        if (refused == null)
        {
            lowered = false;
            raised = true;
        }
        else
        {
            raiseRefused = true;
            LOG.warn("{} is {} inputs behind the node and cannot take its normal priority back ({}): it catches up"
                + " only in the CPU the node leaves idle; pipeline.background-nice=0 and pipeline.background-idle=false keep"
                + " followers at normal priority",
                Thread.currentThread().getName(), lag, refused);
        }
    }

    /** @return true while the follower thread runs at its lowered priority. */
    public boolean lowered()
    {
        return lowered;
    }

    /** @return true while the follower thread runs under {@code SCHED_IDLE}. */
    public boolean idle()
    {
        return lowered && idlePolicy;
    }

    public double share()
    {
        return share;
    }

    public long maxLag()
    {
        return maxLag;
    }
}
