package dev.flashsale.server.cluster;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * After the sale: waits until the holds left behind have expired and every member has applied the
 * same last input, unchanged for a second, so the members stop with the same log applied. A member
 * stopped while the leader still appends (an expiry tick) could stop one input short of the others,
 * and its journal would differ from theirs for a reason that is no fault.
 */
final class Settling
{
    private static final long QUIET_MS = 1_000;

    private final LocalCluster cluster;

    Settling(final LocalCluster cluster)
    {
        this.cluster = cluster;
    }

    /** @return a line saying where the members settled, or that they did not within the timeout. */
    String await(final long timeoutMs) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        final long deadline = startNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long[] previous = null;
        long quietSinceNs = 0;
        while (System.nanoTime() - deadline < 0)
        {
            final long[] applied = new long[LocalCluster.MEMBERS];
            for (int m = 0; m < applied.length; m++)
            {
                applied[m] = cluster.appliedSequence(m);
            }
            final boolean agree = Arrays.stream(applied).distinct().count() == 1 && applied[0] > 0;
            if (agree && Arrays.equals(applied, previous))
            {
                if (System.nanoTime() - quietSinceNs >= TimeUnit.MILLISECONDS.toNanos(QUIET_MS))
                {
                    return "members settled at input " + applied[0] + " after " +
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms";
                }
            }
            else
            {
                previous = applied;
                quietSinceNs = System.nanoTime();
            }
            Thread.sleep(50);
        }
        return "members did NOT settle on one input within " + timeoutMs + " ms: " + Arrays.toString(previous) +
            " (the checks below will say what differs)";
    }
}
