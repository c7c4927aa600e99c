package dev.flashsale.server.node;

import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * SIGTERM and SIGINT, as {@code flashsale run} answers them: the main thread, waiting in
 * {@link #await}, wakes, stops the node in order and the process exits 0.
 *
 * <p>Why not the JVM's own handling (the signal starts the JVM's shutdown, which runs the shutdown
 * hooks)? Because Aeron takes it away: {@code ConsensusModule.Context.conclude()} and
 * {@code ClusteredServiceContainer.Context.conclude()} create an Agrona {@code ShutdownSignalBarrier},
 * whose class initialiser installs its own TERM and INT handlers, which only count down the barriers'
 * latches. From then on a SIGTERM neither runs a shutdown hook nor ends the process: a cluster member
 * ignored it. A class initialiser runs once per JVM, so {@link #install()} first forces it to run and
 * then installs these handlers over it; nothing installs Agrona's again. The standalone node gets the
 * same handlers, so both modes stop alike and exit 0.
 */
final class StopSignals
{
    private static final List<String> SIGNALS = List.of("TERM", "INT");
    private static final String AGRONA_SIGNAL_BARRIER = "org.agrona.concurrent.ShutdownSignalBarrier";

    private final CompletableFuture<String> received = new CompletableFuture<>();

    private StopSignals()
    {
    }

    /** Installs the handlers, replacing the JVM's and Agrona's. Call before the node starts. */
    static StopSignals install()
    {
        try
        {
            Class.forName(AGRONA_SIGNAL_BARRIER, true, StopSignals.class.getClassLoader());
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException("Agrona is not on the class path: " + ex.getMessage(), ex);
        }
        final StopSignals signals = new StopSignals();
        for (final String name : SIGNALS)
        {
            Signal.handle(new Signal(name), received -> signals.received("SIG" + received.getName()));
        }
        return signals;
    }

    private void received(final String name)
    {
        received.complete(name);
    }

    /** @return completes with the first signal's name, e.g. {@code SIGTERM}. */
    CompletableFuture<String> received()
    {
        return received;
    }

    /** Waits for a signal. @return its name, e.g. {@code SIGTERM}. */
    String await()
    {
        return received.join();
    }
}
