package dev.flashsale.server.node;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineListener;
import dev.flashsale.engine.pipeline.ThreadLayout;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.NodeJournal;
import dev.flashsale.journal.Snapshotter;
import dev.flashsale.server.config.FlashsaleConfig;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One node on one machine: the journal (recovered at start), the pipeline with the journaller
 * before the engine and the event writer after it, and the snapshotter's shadow engine. The
 * gateway plugs in as a publisher and an output stage ({@link GatewayNode}).
 *
 * <p>Ready once recovery is done and while the pipeline runs: a journal write failure stops the
 * pipeline and the node stops being ready; it never goes on without its journal.
 */
public final class StandaloneNode implements AutoCloseable
{
    /**
     * The JVM options a standalone node runs with in production (deploy/Dockerfile's
     * {@code JAVA_TOOL_OPTIONS}, the benchmark scripts, the tests that start {@code flashsale run}):
     * objects that survive two young collections are promoted at once. Under G1 with the engine's
     * tables sized for a sale, what outlives two collections lives for the sale, and copying it
     * between survivor spaces up to 15 times made every young pause 12.6 to 28.6 ms where it is now
     * 3.4 to 6.4 ms (docs/BENCHMARKS.md, "What a young pause copies"). And G1's concurrent cycles
     * (the sized tables keep the old generation above G1's initiating occupancy, so one starts every
     * few young collections) do not unload classes: that took 5.9 to 9.7 ms of every 7 to 11 ms
     * remark pause while the node's classes stay loaded for its life (metaspace flat at 46 MB under
     * load); remarks now take 0.7 to 2.2 ms, and a full collection still unloads classes
     * (docs/BENCHMARKS.md, "What a remark pause does"). A pause goal of 5 ms instead of G1's 200: with
     * short pauses G1 otherwise grows the young generation from about 150 MB to 1.2 GB within a few
     * minutes of load, and six of the eight young pauses over 10 ms in three full benchmark passes
     * collected such an eden (11.3 to 13.6 ms); held to the goal, G1 keeps the young generation near
     * its minimum, a collection every 5 to 7 s at 30,000 answers/s, 2.3 to 9.8 ms each in three
     * paired runs (the first collections after a burst of new connections can still pass 10 ms:
     * docs/BENCHMARKS.md, "The pause goal"). And the JVM's performance counters sampled once a second
     * instead of every 50 ms: the sampling woke the JVM's periodic-task thread 20 times a second, 6
     * to 29 of an idle node's 60 to 77 ticks in 30 s (docs/BENCHMARKS.md, "An idle node"); the
     * counters a GC updates are as fresh as before, the sampled ones (a space's bytes used between
     * collections, for {@code jstat}) a second old at most. And G1 starts a concurrent cycle once the
     * old generation holds 75 % of the heap, not 45 %: the engine's tables, live for the node's life,
     * hold about half of it, so at 45 % G1 marked the whole old generation every other young
     * collection and never found anything to reclaim (its adaptive threshold learns only from the
     * mixed collections that follow a cycle, and none ever did); those cycles' concurrent-start pauses
     * were 7 of the 8 pauses over 10 ms in three full benchmark passes (docs/BENCHMARKS.md,
     * "Concurrent cycles that reclaim nothing"). Not in this list, because they depend on the memory
     * a deployment gives the node, are the heap's options: a fixed heap, touched before the node starts ({@code -Xms} equal
     * to {@code -Xmx}, or both RAM percentages equal, and {@code -XX:+AlwaysPreTouch}), which
     * deploy/Dockerfile and the benchmark scripts set: a young pause that copies into regions never
     * touched before pays the kernel's first touch of their pages, 10 to 25 ms more per pause on the
     * dev VM (docs/BENCHMARKS.md, "Young pauses and the heap's first touch").
     */
    public static final List<String> JVM_OPTIONS =
        List.of("-XX:MaxTenuringThreshold=2", "-XX:-ClassUnloadingWithConcurrentMark", "-XX:MaxGCPauseMillis=5",
            "-XX:PerfDataSamplingInterval=1000", "-XX:InitiatingHeapOccupancyPercent=75");

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneNode.class);

    private final NodeJournal journal;
    private final Pipeline pipeline;

    private StandaloneNode(final NodeJournal journal, final Pipeline pipeline)
    {
        this.journal = journal;
        this.pipeline = pipeline;
    }

    /**
     * Recovers the node's state from its data directory and starts it.
     *
     * @param outputStages more consumers of the engine's output (a responder), beside the event writer.
     */
    public static StandaloneNode start(final FlashsaleConfig config, final List<OutputStage> outputStages)
    {
        return start(config, outputStages, (stage, cause) -> { }, new SystemEpochClock(), engine -> { }, false);
    }

    /**
     * @param listener    also hears a pipeline failure (the node logs it and stops being ready anyway).
     * @param clock       the wall clock: the pipeline stamps inputs with a monotonic clock started from it.
     * @param beforeStart sees the recovered engine before the pipeline takes it (to seed what output stages show).
     * @param loopOffered true if the caller gives the pipeline an event loop ({@link Pipeline#runOn}) when its
     *                    layout is {@link ThreadLayout#EVENT_LOOP}: only then may {@code auto} choose it.
     */
    public static StandaloneNode start(
        final FlashsaleConfig config,
        final List<OutputStage> outputStages,
        final PipelineListener listener,
        final EpochClock clock,
        final Consumer<Engine> beforeStart,
        final boolean loopOffered)
    {
        final Path dataDirectory = config.dataDirectory().toAbsolutePath();
        final NodeJournal journal = NodeJournal.open(dataDirectory, config.engine(), config.journal(), LOG::info);
        try
        {
            journal.startSnapshots(clock, new Snapshotter.Listener()
            {
                @Override
                public void onSnapshot(final Path file, final long inputSequence, final long writeMs)
                {
                    LOG.info("snapshot at input {} written in {} ms: {}", inputSequence, writeMs, file.getFileName());
                }

                @Override
                public void onFailure(final String what, final Throwable cause)
                {
                    LOG.error("{}: {}", what, cause.toString());
                }
            });
            beforeStart.accept(journal.engine());
            final List<OutputStage> stages = new ArrayList<>();
            stages.add(journal.eventWriter());
            stages.addAll(outputStages);
            final long maxClockStepMs = config.pipeline().maxClockStepMs();
            final int cores = Runtime.getRuntime().availableProcessors();
            final ThreadLayout layout = loopOffered ?
                config.pipeline().threadLayout().resolveWithEventLoop(cores, config.journal().sync() == JournalConfig.Sync.BATCH) :
                config.pipeline().threadLayout().resolve(cores);
            if (layout == ThreadLayout.EVENT_LOOP && !loopOffered)
            {
                throw new IllegalArgumentException("pipeline.thread-layout=event-loop needs the gateway's event loop;" +
                    " this node has none");
            }
            final Pipeline pipeline = new Pipeline(journal.engine(), config.pipeline().copy().threadLayout(layout),
                List.of(journal.journaller()),
                stages, clock, new PipelineListener()
                {
                    @Override
                    public void onFailure(final String stage, final Throwable cause)
                    {
                        LOG.error("pipeline stopped: stage {} failed, intake refused, not ready", stage, cause);
                        listener.onFailure(stage, cause);
                    }

                    @Override
                    public void onClockStep(final long wallStepMs, final long followedMs)
                    {
                        LOG.warn("the wall clock stepped {} ms; engine time moved {} ms with it " +
                            "(pipeline.max-clock-step-ms = {}) and keeps counting elapsed time, so holds, idempotency keys" +
                            " and sale windows are not cut short. The node's clock stays {} ms off the wall clock" +
                            " (flashsale_clock_offset_seconds) until a restart reads the wall clock again: fix the clock first",
                            wallStepMs, followedMs, maxClockStepMs, wallStepMs - followedMs);
                    }
                });
            return new StandaloneNode(journal, pipeline);
        }
        catch (final RuntimeException | Error ex)
        {
            journal.close();
            throw ex;
        }
    }

    public Pipeline pipeline()
    {
        return pipeline;
    }

    public NodeJournal journal()
    {
        return journal;
    }

    /** @return the engine; read it only after {@link #close()} (the engine thread owns it until then). */
    public Engine engine()
    {
        return journal.engine();
    }

    /** @return true while the node takes input: recovered, running, journal writable. */
    public boolean isReady()
    {
        return pipeline.state() == Pipeline.State.RUNNING && pipeline.isAccepting();
    }

    /**
     * @return why the node stopped being ready, or null: the stage, not the cause's text, which may
     *     name files and is shown to anyone (the log has it, with its stack).
     */
    public String failure()
    {
        final Throwable cause = pipeline.failure();
        return cause == null ? null : "stage " + pipeline.failedStage() + " failed; the node's log has the cause";
    }

    /** Stops intake, drains the rings, then closes the journal. */
    @Override
    public void close()
    {
        try
        {
            if (!pipeline.shutdown() && pipeline.failure() == null)
            {
                LOG.warn("the pipeline did not drain within pipeline.shutdown-timeout-ms");
            }
        }
        finally
        {
            if (pipeline.threadsStopped())
            {
                journal.close();
            }
            else
            {
                // Unmapping a journal file under a writer can crash the JVM; the process is ending anyway.
                LOG.error("pipeline threads still running after shutdown: the journal is left open");
            }
        }
    }
}
