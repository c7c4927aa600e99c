package dev.flashsale.journal;

import java.util.function.LongSupplier;

/**
 * Paces a thread that follows the node from behind (the snapshotter's shadow engine, the read
 * projections) so that it does not take the request path's cores during a burst. While the node
 * takes input, the follower works in slices and pauses after each long enough to use at most
 * {@code share} of one core; once the node's input stops it catches up at full speed; and
 * whenever it is {@code maxLag} or more inputs behind it works without pausing, so its lag (and
 * so the recovery time, or the staleness of the read side) stays bounded however long the burst.
 *
 * <p>One follower thread owns an instance. No clock is read here: the caller measures its slice.
 */
public final class BackgroundShare
{
    private final double share;
    private final long maxLag;
    private final LongSupplier nodeInput;
    private long lastNodeInput;

    /**
     * @param share     of one core while the node is busy, in (0, 1]; 1 never pauses.
     * @param maxLag    inputs behind the node from which the follower never pauses.
     * @param nodeInput the node's progress (the last input journaled, or whose events are written).
     */
    public BackgroundShare(final double share, final long maxLag, final LongSupplier nodeInput)
    {
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
        this.lastNodeInput = nodeInput.getAsLong();
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
     *     the share is a whole core.
     */
    public long pauseNanos(final long workedNanos, final long position)
    {
        final long node = nodeInput.getAsLong();
        final boolean busy = node != lastNodeInput;
        lastNodeInput = node;
        if (!busy || share >= 1 || node - position >= maxLag || workedNanos <= 0)
        {
            return 0;
        }
        return (long)(workedNanos * ((1 - share) / share));
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
