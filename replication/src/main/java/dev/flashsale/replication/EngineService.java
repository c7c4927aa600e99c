package dev.flashsale.replication;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.pipeline.InputSlot;
import dev.flashsale.engine.pipeline.InputStage;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.EventJournalReader;
import dev.flashsale.journal.JournalFiles;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.JournalDoorbell;
import dev.flashsale.journal.NodeJournal;
import dev.flashsale.journal.SnapshotStore;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The engine as an Aeron Cluster service: the committed cluster log is the input sequence.
 *
 * <p>Per input, in log order, on the service container's thread: the input gets the next engine
 * sequence and the log's timestamp (cluster time, ms) as its engine time; it is appended to this
 * node's input journal, decided by the engine, its events appended to this node's event journal,
 * and its result sent on the client session's egress with the client's correlation id
 * ({@link ClusterMessageDescriptor}). Only the leader's sessions really send; on a follower the same
 * call is a no-op, so every node runs exactly the same code path.
 *
 * <p>Inputs are session messages and one cluster timer: after each input the timer is set to when
 * the engine next has housekeeping to do ({@link Engine#nextHousekeepingAtMs()}); when it fires the
 * service applies a {@code Tick}. Timer events are in the log, so every node expires the same holds
 * at the same input.
 *
 * <p>Snapshots: the leader asks for a cluster snapshot at the standalone node's cadence
 * ({@code journal.snapshot-every-inputs} / {@code -every-ms}); every member writes the engine into the
 * cluster snapshot and, in the same call, as a standalone snapshot in its data directory.
 *
 * <p>Restart: the engine comes from the newest cluster snapshot (or starts empty), then the cluster
 * replays the log after it. The node's journal was written up to some input J (opening it runs the
 * journal's own recovery, as for a standalone node); replayed inputs up to J are already journaled
 * and are not written again, and when the engine reaches J its state hash must equal the state the
 * journal recovered to, which checks that the journal and the cluster log tell the same story.
 *
 * <p>A failure (journal write, broken invariant) stops the service: it is reported to the failure
 * listener and ends the container's thread ({@code AgentTerminationException}); the process must end
 * and the member be restarted, which recovers it from snapshot and log.
 */
public final class EngineService implements ClusteredService
{
    /** The one cluster timer: housekeeping (expiry and eviction) is due. */
    static final long HOUSEKEEPING_TIMER_ID = 1;
    private static final long NO_TIMER = Long.MAX_VALUE;
    private static final long TIMER_UNKNOWN = Long.MIN_VALUE;
    /** Attempts to send a result through egress back pressure before it is dropped (the client resends). */
    private static final int EGRESS_ATTEMPTS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(EngineService.class);
    /** How long a snapshot asked for may take to arrive before the leader asks again. */
    private static final long SNAPSHOT_RETRY_NS = TimeUnit.SECONDS.toNanos(30);

    private final int memberId;
    private final Path dataDirectory;
    private final DataDirectory.NodeLock lock;
    private final BiConsumer<String, Throwable> failureListener;
    private final EngineObserver observer;
    private final EngineConfig engineConfig;
    private final JournalConfig journalConfig;
    private final InputSlot inputSlot = new InputSlot();
    private final OutputSlot outputSlot = new OutputSlot();
    private final UnsafeBuffer tick = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private final int tickLength;
    private final Output output = new Output();
    private Cluster cluster;
    private NodeJournal journal;
    private InputStage journaller;
    private OutputStage eventWriter;
    private Engine engine;
    private long journaledUpTo;
    private long journalStateHash;
    private long timerDeadlineMs = TIMER_UNKNOWN;
    private Throwable failure;
    private SnapshotStore localSnapshots;
    private long lastInputIndex = -1;
    private long lastSnapshotNs;
    private long snapshotRequestedNs;
    private volatile BooleanSupplier snapshotRequester;
    private volatile long lastSnapshotSequence;
    private volatile long snapshotsTaken;
    private volatile long lastEventInputSequence;
    /** Rung by the event writer of whichever journal the service has open: the read services sleep on it. */
    private final JournalDoorbell eventsAppended = new JournalDoorbell();

    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile long appliedSequence;
    private volatile long droppedIngress;
    private volatile long droppedEgress;
    private volatile boolean stateRequested;
    private volatile StateReport stateReport;

    /** What the engine holds, as seen on the service thread at one input. */
    public record StateReport(long lastSequence, long stateHash, long engineTimeMs)
    {
    }

    /**
     * @param memberId      this member's id, for the log.
     * @param lock     the node's data directory, locked by the caller for as long as the service runs:
     *                 its journals, as a standalone node lays them out.
     * @param failureListener hears, on the service thread, why the service stopped working: it could not
     *                 start, it failed on an input, or it was terminated (also by an orderly close: the
     *                 listener tells the cases apart).
     * @param observer sees the engine it starts with and every output ({@link EngineObserver#NONE}: nothing).
     */
    public EngineService(
        final int memberId,
        final DataDirectory.NodeLock lock,
        final EngineConfig engineConfig,
        final JournalConfig journalConfig,
        final BiConsumer<String, Throwable> failureListener,
        final EngineObserver observer)
    {
        this.memberId = memberId;
        this.observer = observer;
        this.lock = lock;
        this.failureListener = failureListener;
        this.dataDirectory = lock.directory().root();
        this.engineConfig = engineConfig.copy().validate();
        this.journalConfig = journalConfig;
        tickLength = new CommandWriter().tick(tick, 0);
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        journal = NodeJournal.open(lock, engineConfig, journalConfig, line -> LOG.info("journal: {}", line), eventsAppended);
        try
        {
            journaledUpTo = journal.engine().lastSequence();
            journalStateHash = journal.engine().stateHash();
            engine = snapshotImage == null ? new Engine(engineConfig) :
                SnapshotTransfer.read(engineConfig, snapshotImage, cluster.idleStrategy());
            if (engine.lastSequence() > journaledUpTo)
            {
                throw new IllegalStateException("the cluster snapshot is at input " + engine.lastSequence() + " but the" +
                    " journal in " + dataDirectory + " ends at input " + journaledUpTo + ": the journal lost inputs;" +
                    " restore it from a replica's data directory before starting this member");
            }
            checkAgainstJournal();
            localSnapshots = new SnapshotStore(journal.directory().snapshots());
            try (var events = JournalFiles.openEvents(journal.directory(), false))
            {
                lastEventInputSequence = EventJournalReader.lastEvent(events).inputSequence();
            }
            lastInputIndex = engine.lastSequence() == journaledUpTo ? journal.recovery().lastInputIndex() : -1;
            lastSnapshotSequence = engine.lastSequence();
            lastSnapshotNs = System.nanoTime();
            observer.onStart(engine);
            journaller = journal.journaller();
            eventWriter = journal.eventWriter();
            journaller.onStart();
            eventWriter.onStart();
        }
        catch (final RuntimeException | Error ex)
        {
            closeJournal();
            failureListener.accept("the engine service could not start", ex);
            throw ex;
        }
        appliedSequence = engine.lastSequence();
        LOG.info("member {}: engine at input {} ({}), journal at input {}", memberId, engine.lastSequence(),
            snapshotImage == null ? "no snapshot" : "from the cluster snapshot", journaledUpTo);
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    @Override
    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        if (length < ClusterMessageDescriptor.MESSAGE_OFFSET || length > ClusterMessageDescriptor.MAX_INGRESS_LENGTH)
        {
            droppedIngress++; // one writer: this thread
            return; // not an input: every node drops it alike, so the sequences stay the same
        }
        final long correlationId =
            buffer.getLong(offset + ClusterMessageDescriptor.CORRELATION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        apply(session, correlationId, timestamp, buffer, offset + ClusterMessageDescriptor.MESSAGE_OFFSET,
            length - ClusterMessageDescriptor.MESSAGE_OFFSET);
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        if (correlationId == HOUSEKEEPING_TIMER_ID)
        {
            timerDeadlineMs = NO_TIMER; // it fired
            apply(null, 0, timestamp, tick, 0, tickLength);
        }
    }

    private void apply(
        final ClientSession session,
        final long correlationId,
        final long timestampMs,
        final DirectBuffer command,
        final int offset,
        final int length)
    {
        if (failure != null)
        {
            throw new IllegalStateException("engine service stopped after an earlier failure; restart this member",
                failure);
        }
        try
        {
            final long sequence = engine.lastSequence() + 1;
            final boolean journaling = sequence > journaledUpTo;
            if (journaling)
            {
                inputSlot.fill(sequence, timestampMs, correlationId, command, offset, length);
                journal(inputSlot);
                lastInputIndex = journal.lastWrittenInputIndex();
            }
            else
            {
                lastInputIndex = sequence == journaledUpTo ? journal.recovery().lastInputIndex() : -1; // -1: replay finds it
            }
            output.input(session, correlationId, journaling);
            engine.apply(sequence, timestampMs, command, offset, length, output);
            if (sequence == journaledUpTo)
            {
                checkAgainstJournal();
            }
            appliedSequence = sequence;
            scheduleHousekeeping();
        }
        catch (final RuntimeException | Error ex)
        {
            failure = ex;
            failureListener.accept("the engine service stopped; the last input it applied is " + engine.lastSequence(), ex);
            throw new AgentTerminationException(ex); // ends the container's thread: no retry of the same input
        }
    }

    private void journal(final InputSlot slot)
    {
        try
        {
            journaller.onSlot(slot, true);
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("input journal: " + ex.getMessage(), ex);
        }
    }

    private void journal(final OutputSlot slot, final boolean endOfInput)
    {
        try
        {
            eventWriter.onSlot(slot, endOfInput);
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("event journal: " + ex.getMessage(), ex);
        }
    }

    private void checkAgainstJournal()
    {
        if (engine.lastSequence() == journaledUpTo && engine.stateHash() != journalStateHash)
        {
            throw new IllegalStateException("at input " + journaledUpTo + " the engine replayed from the cluster log" +
                " differs from the one recovered from the journal in " + dataDirectory + ": the journal and the log" +
                " disagree");
        }
    }

    private void scheduleHousekeeping()
    {
        final long dueMs = engine.nextHousekeepingAtMs();
        if (dueMs == timerDeadlineMs)
        {
            return;
        }
        cluster.idleStrategy().reset();
        if (dueMs == NO_TIMER)
        {
            while (!cluster.cancelTimer(HOUSEKEEPING_TIMER_ID))
            {
                cluster.idleStrategy().idle();
            }
        }
        else
        {
            while (!cluster.scheduleTimer(HOUSEKEEPING_TIMER_ID, dueMs))
            {
                cluster.idleStrategy().idle();
            }
        }
        timerDeadlineMs = dueMs;
    }

    /**
     * The cluster snapshot (every member takes it at the same log position), then the same engine as
     * a standalone snapshot in the data directory, so recovery of the journal and the journal tools
     * start from it as they do on a standalone node. That second write failing costs only a longer
     * replay: it is reported, and the cluster snapshot stands.
     */
    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final long startNs = System.nanoTime();
        SnapshotTransfer.write(engine, snapshotPublication, cluster.idleStrategy());
        final long writtenNs = System.nanoTime();
        lastSnapshotSequence = engine.lastSequence();
        lastSnapshotNs = System.nanoTime();
        snapshotRequestedNs = 0;
        snapshotsTaken++; // one writer: this thread
        try
        {
            final Path file = localSnapshots.write(engine, lastInputIndex, cluster.time());
            localSnapshots.prune(journalConfig.snapshotRetention());
            LOG.info("member {}: snapshot at input {} in the cluster snapshot ({} ms) and in {} ({} ms)", memberId,
                engine.lastSequence(), TimeUnit.NANOSECONDS.toMillis(writtenNs - startNs), file,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writtenNs));
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("member {}: the cluster snapshot at input {} was taken, but not its copy in {} ({}); recovery of this" +
                " member's journal replays from an older one", memberId, engine.lastSequence(), journal.directory().snapshots(),
                ex.toString());
        }
    }

    /**
     * How the leader asks the cluster for a snapshot (the consensus module's control toggle). Set once,
     * before the service starts.
     */
    public void snapshotRequester(final BooleanSupplier requester)
    {
        snapshotRequester = requester;
    }

    /**
     * On the leader: asks for a cluster snapshot once {@code journal.snapshot-every-inputs} inputs, or
     * {@code journal.snapshot-every-ms} with at least one input, have passed since the last one, so a
     * restarting member replays a bounded log. {@code journal.snapshot-every-inputs = 0}: never.
     */
    private int requestSnapshotIfDue(final long nowNs)
    {
        final BooleanSupplier requester = snapshotRequester;
        if (journalConfig.snapshotEveryInputs() == 0 || role != Cluster.Role.LEADER || requester == null || engine == null)
        {
            return 0;
        }
        final long inputs = engine.lastSequence() - lastSnapshotSequence;
        if (inputs <= 0 || inputs < journalConfig.snapshotEveryInputs() &&
            nowNs - lastSnapshotNs < TimeUnit.MILLISECONDS.toNanos(journalConfig.snapshotEveryMs()))
        {
            return 0;
        }
        if (snapshotRequestedNs != 0 && nowNs - snapshotRequestedNs < SNAPSHOT_RETRY_NS)
        {
            return 0;
        }
        if (!requester.getAsBoolean())
        {
            return 0; // the toggle is busy (a snapshot or another control action under way): next time
        }
        snapshotRequestedNs = nowNs;
        LOG.info("member {} (leader): asked for a cluster snapshot, {} inputs after the last one at input {}", memberId, inputs,
            lastSnapshotSequence);
        return 1;
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
        failureListener.accept("the engine service was terminated", null);
        closeJournal();
    }

    @Override
    public int doBackgroundWork(final long nowNs)
    {
        if (stateRequested && engine != null)
        {
            stateRequested = false;
            stateReport = new StateReport(engine.lastSequence(), engine.stateHash(), engine.engineTimeMs());
            return 1;
        }
        return failure == null ? requestSnapshotIfDue(nowNs) : 0;
    }

    private void closeJournal()
    {
        if (journal == null)
        {
            return;
        }
        try
        {
            if (eventWriter != null)
            {
                eventWriter.onShutdown();
            }
            if (journaller != null)
            {
                journaller.onShutdown();
            }
        }
        finally
        {
            journal.close();
            journal = null;
        }
    }

    /** @return this member's role as the service last heard it. Any thread. */
    public Cluster.Role role()
    {
        return role;
    }

    /** @return the sequence of the last input the engine applied. Any thread. */
    public long appliedSequence()
    {
        return appliedSequence;
    }

    /** @return the input of the last snapshot this member took (or started from). Any thread. */
    public long lastSnapshotSequence()
    {
        return lastSnapshotSequence;
    }

    /**
     * @return rung by this member's event writer after each batch it appended, whichever journal the
     *     service has open: what the member's read projections sleep on when they are caught up. Any thread.
     */
    public JournalDoorbell eventDoorbell()
    {
        return eventsAppended;
    }

    /**
     * @return the last input that produced an event: what a caught-up projection of this member's event
     *     journal has seen (reads and ticks produce none). Any thread.
     */
    public long lastEventInputSequence()
    {
        return lastEventInputSequence;
    }

    /** @return cluster snapshots this member took since it started. Any thread. */
    public long snapshotsTaken()
    {
        return snapshotsTaken;
    }

    /** @return ingress messages that were not inputs (too short or too long). Any thread. */
    public long droppedIngress()
    {
        return droppedIngress;
    }

    /** @return results that could not be sent (client gone or egress back-pressured throughout). Any thread. */
    public long droppedEgress()
    {
        return droppedEgress;
    }

    /** Asks the service thread for a fresh {@link StateReport} when it is next idle. Any thread. */
    public void requestStateReport()
    {
        stateReport = null;
        stateRequested = true;
    }

    /** @return the report asked for with {@link #requestStateReport()}, or null while it is not ready. Any thread. */
    public StateReport stateReport()
    {
        return stateReport;
    }

    /**
     * The engine's output for the current input: events to the event journal (unless the input was
     * journaled before this start), the result to the client's egress after the correlation id.
     */
    private final class Output implements EngineOutput
    {
        private final UnsafeBuffer egress = new UnsafeBuffer(new byte[ClusterMessageDescriptor.MAX_EGRESS_LENGTH]);
        private final UnsafeBuffer message = new UnsafeBuffer(
            egress.byteArray(), ClusterMessageDescriptor.MESSAGE_OFFSET, ProtocolLimits.MAX_OUTPUT_LENGTH);
        private ClientSession session;
        private long correlationId;
        private boolean journaling;

        void input(final ClientSession session, final long correlationId, final boolean journaling)
        {
            this.session = session;
            this.correlationId = correlationId;
            this.journaling = journaling;
        }

        @Override
        public MutableDirectBuffer claim()
        {
            return message;
        }

        @Override
        public void commit(final int length, final boolean isResult)
        {
            if (!isResult && engine.lastSequence() > lastEventInputSequence)
            {
                lastEventInputSequence = engine.lastSequence(); // one writer: the service thread
            }
            outputSlot.fill(engine.lastSequence(), correlationId, isResult, message, 0, length);
            if (journaling)
            {
                journal(outputSlot, isResult);
            }
            observer.onOutput(outputSlot, isResult);
            if (isResult && session != null)
            {
                egress.putLong(ClusterMessageDescriptor.CORRELATION_ID_OFFSET, correlationId, ByteOrder.LITTLE_ENDIAN);
                send(ClusterMessageDescriptor.MESSAGE_OFFSET + length);
            }
        }

        private void send(final int length)
        {
            cluster.idleStrategy().reset();
            for (int attempt = 0; attempt < EGRESS_ATTEMPTS; attempt++)
            {
                final long result = session.offer(egress, 0, length);
                if (result > 0)
                {
                    return;
                }
                if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
                {
                    break; // not connected or closed: the client resends after it reconnects
                }
                cluster.idleStrategy().idle();
            }
            droppedEgress++; // one writer: this thread
        }
    }
}
