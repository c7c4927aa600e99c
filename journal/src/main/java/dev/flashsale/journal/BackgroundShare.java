package dev.flashsale.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Paces a thread that follows the node from behind (the snapshotter's shadow engine, the read
 * projections) so that it does not take the request path's cores during a burst. While the node
 * takes input, the follower works in slices and pauses after each long enough to use at most
 * {@code share} of one core; once the node's input stops it catches up at full speed; and
 * whenever it is {@code maxLag} or more inputs behind it works without pausing, so its lag (and
 * so the recovery time, or the staleness of the read side) stays bounded however long the burst.
 *
 * <p>A share can also lower the follower thread's OS priority (its Linux nice value,
 * {@code pipeline.background-nice}): the follower then runs in the time the request path leaves
 * idle rather than beside it, which on a machine with fewer cores than busy threads is the
 * difference (docs/BENCHMARKS.md). Once {@code maxLag} behind, the follower takes its normal
 * priority back, and lowers it again once it is under half of that; taking it back needs
 * {@code CAP_SYS_NICE}, and without it the follower stays low (logged once): its lag is then
 * bounded only while the node leaves it some CPU.
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
    private final IntFunction<String> setNice; // null if set, else why not
    private long lastNodeInput;
    private boolean lowered;
    private boolean raiseRefused;
    private boolean raised; // took its normal priority back at maxLag: lowers it again under half of that

    /**
     * @param share     of one core while the node is busy, in (0, 1]; 1 never pauses.
     * @param maxLag    inputs behind the node from which the follower never pauses.
     * @param nodeInput the node's progress (the last input journaled, or whose events are written).
     */
    public BackgroundShare(final double share, final long maxLag, final LongSupplier nodeInput)
    {
        this(share, maxLag, nodeInput, 0);
    }

    /**
     * As {@link #BackgroundShare(double, long, LongSupplier)}, with the follower thread at a lower
     * OS priority while it is less than {@code maxLag} behind.
     *
     * @param nice the follower's Linux nice value, 0 (unchanged) to 19 (lowest).
     */
    public BackgroundShare(final double share, final long maxLag, final LongSupplier nodeInput, final int nice)
    {
        this(share, maxLag, nodeInput, nice, ThreadNice::set);
    }

    BackgroundShare(final double share, final long maxLag, final LongSupplier nodeInput, final int nice,
        final IntFunction<String> setNice)
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
        this.setNice = setNice;
        this.lastNodeInput = nodeInput.getAsLong();
    }

    /**
     * Called by the follower thread once, as it starts: lowers its priority if this share has a
     * nice value (logs why not if that cannot be done: not Linux, say).
     */
    public void onFollowerStart()
    {
        if (nice == 0)
        {
            return;
        }
        final String refused = setNice.apply(nice);
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
     *     the share is a whole core. With a nice value, also gives the follower its normal priority
     *     back at {@code maxLag} behind and lowers it again under half of that.
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
            onFollowerStart();
        }
        if (!busy || share >= 1 || node - position >= maxLag || workedNanos <= 0)
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
        final String refused = setNice.apply(0);
        if (refused == null)
        {
            lowered = false;
            raised = true;
        }
        else
        {
            raiseRefused = true;
            LOG.warn("{} is {} inputs behind the node and cannot take its normal priority back ({}): it catches up"
                + " only in the CPU the node leaves idle; pipeline.background-nice=0 keeps followers at normal priority",
                Thread.currentThread().getName(), lag, refused);
        }
    }

    /** @return true while the follower thread runs at its lowered priority. */
    public boolean lowered()
    {
        return lowered;
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
