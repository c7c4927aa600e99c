package dev.flashsale.journal;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.OutputStage;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * A node's journal, ready to run: opening it locks the data directory, checks it was written by
 * this build and engine configuration, and recovers the engine (snapshot + input journal, events
 * regenerated as needed). The node then builds its pipeline with {@link #journaller()} before the
 * engine and {@link #eventWriter()} after it, and starts the snapshotter.
 *
 * <p>Threads: opening and closing on the owner's thread; the journaller, event writer and
 * snapshotter run on their own.
 */
public final class NodeJournal implements AutoCloseable
{
    private final DataDirectory directory;
    private final DataDirectory.NodeLock lock;
    private final boolean ownsLock;
    private final JournalConfig config;
    private final EngineConfig engineConfig;
    private final SingleChronicleQueue inputs;
    private final SingleChronicleQueue events;
    private final Watermark inputWatermark;
    private final JournalDoorbell inputsAppended = new JournalDoorbell(); // the journaller rings, the snapshotter sleeps on it
    private final JournalDoorbell eventsAppended; // the event writer rings, the read projections sleep on it
    private final Watermark eventWatermark;
    private final PageWarmer warmer;
    private final PageWarmer.Track inputsWarmed;
    private final PageWarmer.Track eventsWarmed;
    private final Recovery.Recovered recovered;
    private final Journaller journaller;
    private final EventWriter eventWriter;
    private Snapshotter snapshotter;
    private boolean closed;

    private NodeJournal(
        final DataDirectory directory,
        final DataDirectory.NodeLock lock,
        final boolean ownsLock,
        final JournalConfig config,
        final EngineConfig engineConfig,
        final Consumer<String> log,
        final JournalDoorbell eventsAppended)
    {
        this.eventsAppended = eventsAppended;
        this.directory = directory;
        this.lock = lock;
        this.ownsLock = ownsLock;
        this.config = config;
        this.engineConfig = engineConfig;
        final boolean sync = config.sync() == JournalConfig.Sync.BATCH;
        final Deque<AutoCloseable> opened = new ArrayDeque<>();
        try
        {
            inputs = JournalQueues.open(directory.inputs());
            opened.push(inputs);
            events = JournalQueues.open(directory.events());
            opened.push(events);
            inputWatermark = Watermark.open(directory.inputWatermark());
            opened.push(inputWatermark);
            eventWatermark = Watermark.open(directory.eventWatermark());
            opened.push(eventWatermark);
            recovered = Recovery.recover(engineConfig, inputs, inputWatermark, events, eventWatermark,
                new SnapshotStore(directory.snapshots()), log);
        }
        catch (final RuntimeException | Error ex)
        {
            while (!opened.isEmpty()) // a refused recovery leaves no file open behind it
            {
                try
                {
                    opened.pop().close();
                }
                catch (final Exception closing)
                {
                    ex.addSuppressed(closing);
                }
            }
            throw ex;
        }
        warmer = new PageWarmer(config.warmAheadBytes());
        inputsWarmed = warmer.track("input journal");
        eventsWarmed = warmer.track("event journal");
        journaller = new Journaller(inputs, inputWatermark, directory.inputs(), sync, config.minFreeBytes(),
            config.checkIntervalMs(), inputsAppended, inputsWarmed);
        final EventJournalReader.LastEvent last = recovered.lastEvent();
        eventWriter = new EventWriter(events, eventWatermark, last.inputSequence(), last.index(),
            recovered.engine().lastSequence(), eventsAppended, eventsWarmed);
    }

    /**
     * Locks and recovers a data directory.
     *
     * @param log receives one line per step of recovery.
     * @throws DataDirectoryInUseException if another node holds the directory.
     * @throws JournalException if the directory is foreign, of another configuration, or damaged.
     */
    public static NodeJournal open(
        final java.nio.file.Path root,
        final EngineConfig engineConfig,
        final JournalConfig config,
        final Consumer<String> log)
    {
        config.validate();
        final DataDirectory.NodeLock lock = DataDirectory.lockForNode(root, engineConfig);
        try
        {
            return new NodeJournal(lock.directory(), lock, true, config, engineConfig, log, new JournalDoorbell());
        }
        catch (final RuntimeException | Error ex)
        {
            lock.close();
            throw ex;
        }
    }

    /**
     * Recovers a data directory whose lock the caller already holds (from
     * {@link DataDirectory#lockForNode}, which also checked the directory's metadata): for a node that
     * must own its directory before it starts anything else. Closing the journal leaves the lock held.
     *
     * @throws JournalException if the directory is damaged.
     */
    public static NodeJournal open(
        final DataDirectory.NodeLock lock,
        final EngineConfig engineConfig,
        final JournalConfig config,
        final Consumer<String> log)
    {
        return open(lock, engineConfig, config, log, new JournalDoorbell());
    }

    /**
     * As {@link #open(DataDirectory.NodeLock, EngineConfig, JournalConfig, Consumer)}, its event writer
     * ringing a doorbell the caller keeps: for a caller whose readers of the event journal start apart
     * from the journal (a cluster member's read services) and must not lose it when it is opened again.
     */
    public static NodeJournal open(
        final DataDirectory.NodeLock lock,
        final EngineConfig engineConfig,
        final JournalConfig config,
        final Consumer<String> log,
        final JournalDoorbell eventsAppended)
    {
        config.validate();
        if (!lock.isHeld())
        {
            throw new IllegalStateException("the node lock of " + lock.directory().root() + " was released");
        }
        return new NodeJournal(lock.directory(), lock, false, config, engineConfig, log, eventsAppended);
    }

    /** @return the recovered engine: hand it to the pipeline, which owns it from then on. */
    public Engine engine()
    {
        return recovered.engine();
    }

    public Recovery.Report recovery()
    {
        return recovered.report();
    }

    public DataDirectory directory()
    {
        return directory;
    }

    /** @return the input stage that journals every input before the engine decides it. */
    public Journaller journaller()
    {
        return journaller;
    }

    /**
     * @return the input journal index of the document holding the last input written since the journal
     *     opened, or -1 if none was. On the journaller's thread.
     */
    public long lastWrittenInputIndex()
    {
        return journaller.lastIndex();
    }

    /** @return the output stage that journals every event. */
    public OutputStage eventWriter()
    {
        return eventWriter;
    }

    /**
     * Starts the shadow engine that takes snapshots, as a copy of the recovered engine. Call before
     * the pipeline starts (the copy reads the engine) or not at all; with
     * {@code journal.snapshot-every-inputs = 0} it does nothing.
     */
    public void startSnapshots(final EpochClock clock, final Snapshotter.Listener listener)
    {
        if (config.snapshotEveryInputs() == 0)
        {
            return;
        }
        final Engine shadow = EngineCopy.copy(recovered.engine(), engineConfig);
        final BackgroundShare share = new BackgroundShare(config.snapshotCpuPercent() / 100.0,
            config.snapshotEveryInputs(), inputWatermark::sequence, config.followerNice(),
            config.followerIdle());
        snapshotter = new Snapshotter(shadow, recovered.report().lastInputIndex(), inputs,
            new SnapshotStore(directory.snapshots()), config, clock, listener, share, inputsAppended);
        snapshotter.start();
    }

    /** @return rung by the event writer after each batch it appended: what a follower of the event journal sleeps on. */
    public JournalDoorbell eventDoorbell()
    {
        return eventsAppended;
    }

    /** @return rung by the journaller after each batch it appended: what the snapshotter sleeps on (tests). */
    JournalDoorbell inputDoorbell()
    {
        return inputsAppended;
    }

    /**
     * @return bytes of the input journal's file in the page cache past the journaller's last write
     *     ({@link PageWarmer}; 0 when it is behind or off); from any thread.
     */
    public long inputWarmAheadBytes()
    {
        return inputsWarmed.aheadBytes();
    }

    /** @return the same for the event journal and its writer. */
    public long eventWarmAheadBytes()
    {
        return eventsWarmed.aheadBytes();
    }

    /** @return the snapshotter, or null when snapshots are off. */
    public Snapshotter snapshotter()
    {
        return snapshotter;
    }

    /** Stops the snapshotter and closes the journals; call after the pipeline stopped. Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            if (snapshotter != null)
            {
                snapshotter.close();
            }
            warmer.close();
            inputs.close();
            events.close();
            inputWatermark.close();
            eventWatermark.close();
        }
        finally
        {
            if (ownsLock)
            {
                lock.close();
            }
        }
    }
}
