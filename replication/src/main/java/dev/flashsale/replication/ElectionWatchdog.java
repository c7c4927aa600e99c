package dev.flashsale.replication;

import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ElectionState;

import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * A daemon thread that reads the consensus module's election state and error counter four times a
 * second and reports the member failed when {@link ElectionStall} says its consensus module is
 * blocked, or its elections caught in a loop of failures: the process then ends (exit 1) and whatever
 * supervises it starts it again, which is what makes such a member follow the log again. Costs two counter reads per 250 ms. It stops once the
 * member failed or the module's counters are closed (the module ended: its mapping may be gone).
 */
final class ElectionWatchdog implements AutoCloseable
{
    static final long PERIOD_MS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(ElectionWatchdog.class);

    private final Thread thread;
    private volatile boolean running = true;

    ElectionWatchdog(final int memberId, final ConsensusModule.Context context, final ElectionStall stall,
        final MemberFailure failure)
    {
        thread = new Thread(() ->
        {
            while (running && failure.now() == null)
            {
                final AtomicCounter state = context.electionStateCounter();
                final AtomicCounter errors = context.errorCounter();
                if (state.isClosed() || errors.isClosed())
                {
                    return; // the consensus module has ended (its failure is reported by its own path)
                }
                final String stuck;
                try
                {
                    stuck = stall.check(System.nanoTime(), ElectionState.get(state.get()), errors.get());
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("cluster member {}: the election watchdog stops: {}", memberId, ex.toString());
                    return;
                }
                if (stuck != null)
                {
                    failure.report(stuck, null);
                    return;
                }
                try
                {
                    Thread.sleep(PERIOD_MS);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
        }, "flashsale-cluster-watchdog-" + memberId);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
