package dev.flashsale.replication;

import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ElectionState;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A daemon thread that reads the consensus module's election state and error counter four times a
 * second and reports the member failed when {@link ElectionStall} says its consensus module is
 * blocked: the process then ends (exit 1) and whatever supervises it starts it again, which is what
 * makes such a member follow the log again. Costs one counter read per 250 ms.
 */
final class ElectionWatchdog implements AutoCloseable
{
    static final long PERIOD_MS = 250;

    private final Thread thread;
    private volatile boolean running = true;

    ElectionWatchdog(final int memberId, final ConsensusModule.Context context, final ElectionStall stall,
        final BiConsumer<String, Throwable> failure)
    {
        thread = new Thread(() ->
        {
            while (running)
            {
                final String stuck = stall.check(System.nanoTime(), ElectionState.get(context.electionStateCounter()),
                    context.errorCounter().get());
                if (stuck != null)
                {
                    failure.accept(stuck, null);
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
