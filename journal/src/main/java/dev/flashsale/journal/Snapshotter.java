package dev.flashsale.journal;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.concurrent.EpochClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Takes snapshots without stopping the engine: a shadow engine on its own thread
 * ({@code flashsale-snapshotter}) tails the input journal, applies every input as the live engine
 * did (it is deterministic, so it reaches the same states), and writes its own state to a snapshot
 * every {@code journal.snapshot-every-inputs} inputs or {@code journal.snapshot-every-ms}. The live
 * engine never pauses for a snapshot; the price is a second copy of the engine's memory and the
 * shadow's share of the CPU (docs/BENCHMARKS.md measures both). That share is held to
 * {@code journal.snapshot-cpu-percent} of a core while the node takes input: the shadow falls
 * behind during a burst and catches up when the node is idle, or at full speed once it is
 * {@code journal.snapshot-every-inputs} behind, so recovery never replays more than about two
 * snapshot intervals ({@link BackgroundShare}).
 *
 * <p>The shadow also checks the journal as it goes: a record that fails its checksum or breaks the
 * sequence stops the snapshotter and is reported.
 */
public final class Snapshotter implements AutoCloseable
{
    /** A slice of work between pauses: a few milliseconds of applying. */
    private static final int MAX_INPUTS_PER_CYCLE = 4_096;
    /**
     * Caught up, it sleeps until the journaller appends ({@link JournalDoorbell}) or a timed snapshot
     * is due, and at most this long.
     */
    private static final long MAX_SLEEP_NS = TimeUnit.SECONDS.toNanos(1);
    /** Longest pause after a slice (a long snapshot write at a small share would ask for seconds). */
    private static final long MAX_PAUSE_NS = TimeUnit.SECONDS.toNanos(1);

    private final Engine shadow;
    private final SingleChronicleQueue inputs;
    private final SnapshotStore store;
    private final JournalConfig config;
    private final EpochClock clock;
    private final Listener listener;
    private final BackgroundShare share;
    private final JournalDoorbell appended;
    private final Thread thread;
    private final EngineOutput discard = EngineOutput.discarding();
    private volatile boolean running = true;
    private volatile long snapshotsWritten;
    private volatile long lastSnapshotSequence;
    private volatile long lastWriteMs;
    private volatile long caughtUpSleeps; // one writer, this thread
    private long lastIndex;

    /** Hears what the snapshotter did; called on its thread. */
    public interface Listener
    {
        void onSnapshot(java.nio.file.Path file, long inputSequence, long writeMs);

        void onFailure(String what, Throwable cause);
    }

    /**
     * @param shadow      an engine in the live engine's state at {@code lastIndex} (a copy made at start).
     * @param lastIndex   the input journal document of the shadow's last input, -1 if it has none.
     * @param share       how much of a core the shadow takes while the node is busy.
     * @param appended    rung by the journaller after each batch it appended.
     */
    public Snapshotter(
        final Engine shadow,
        final long lastIndex,
        final SingleChronicleQueue inputs,
        final SnapshotStore store,
        final JournalConfig config,
        final EpochClock clock,
        final Listener listener,
        final BackgroundShare share,
        final JournalDoorbell appended)
    {
        this.shadow = shadow;
        this.share = share;
        this.appended = appended;
        this.lastIndex = lastIndex;
        this.inputs = inputs;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.listener = listener;
        this.lastSnapshotSequence = shadow.lastSequence();
        this.thread = new Thread(this::run, "flashsale-snapshotter");
        thread.setDaemon(true);
    }

    public void start()
    {
        thread.start();
    }

    public long snapshotsWritten()
    {
        return snapshotsWritten;
    }

    public long lastSnapshotSequence()
    {
        return lastSnapshotSequence;
    }

    /** @return times the shadow, caught up, went to sleep until the next input or timed snapshot (tests). */
    long caughtUpSleeps()
    {
        return caughtUpSleeps;
    }

    /** @return how long the last snapshot took to write, ms. */
    public long lastWriteMs()
    {
        return lastWriteMs;
    }

    /** Stops the shadow; it takes no last snapshot (recovery replays the tail of the journal). */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            // The caller closes the input journal next: unmapping it under the shadow's reader can crash the JVM.
            throw new JournalException("the snapshotter did not stop within 30 s (a snapshot write stuck on the disk?)");
        }
    }

    private void run()
    {
        share.onFollowerStart();
        try (JournalDoorbell.Sleeper sleeper = appended.sleeper();
             InputJournalReader reader = new InputJournalReader(inputs, shadow.lastSequence() + 1))
        {
            if (lastIndex >= 0 && !reader.moveTo(lastIndex))
            {
                throw new JournalException("the shadow engine's last input (index 0x" + Long.toHexString(lastIndex) +
                    ") is not in the input journal");
            }
            long lastSnapshotAtMs = clock.time();
            while (running)
            {
                final long sliceStartNs = System.nanoTime();
                final long rings = appended.rings(); // before the look: an append after it wakes the sleep below
                int applied = 0;
                // stop at the snapshot boundary so snapshots fall every N inputs even when catching up
                while (applied < MAX_INPUTS_PER_CYCLE && shadow.lastSequence() - lastSnapshotSequence <
                    config.snapshotEveryInputs())
                {
                    final InputJournalReader.Status status = reader.next();
                    if (status == InputJournalReader.Status.END)
                    {
                        break;
                    }
                    if (status != InputJournalReader.Status.RECORD)
                    {
                        throw new JournalException("input journal damaged at " + reader.position() + ": " + reader.problem());
                    }
                    shadow.apply(reader.sequence(), reader.timestampMs(), reader.payload(), 0, reader.length(), discard);
                    lastIndex = reader.index();
                    applied++;
                }
                final long pending = shadow.lastSequence() - lastSnapshotSequence;
                final long now = clock.time();
                if (pending > 0 && (pending >= config.snapshotEveryInputs() || now - lastSnapshotAtMs >= config.snapshotEveryMs()))
                {
                    writeSnapshot(now);
                    lastSnapshotAtMs = now;
                }
                if (applied == 0)
                {
                    long sleepNs = MAX_SLEEP_NS;
                    if (shadow.lastSequence() > lastSnapshotSequence) // a timed snapshot is due at some point
                    {
                        final long dueInMs = lastSnapshotAtMs + config.snapshotEveryMs() - clock.time();
                        sleepNs = Math.min(sleepNs, TimeUnit.MILLISECONDS.toNanos(Math.max(1, dueInMs)));
                    }
                    caughtUpSleeps++; // a read-modify-write of a volatile with one writer
                    sleeper.sleep(rings, sleepNs);
                }
                else
                {
                    final long pauseNs = share.pauseNanos(System.nanoTime() - sliceStartNs, shadow.lastSequence());
                    if (pauseNs > 0)
                    {
                        LockSupport.parkNanos(Math.min(pauseNs, MAX_PAUSE_NS));
                    }
                }
            }
        }
        catch (final RuntimeException | Error ex)
        {
            listener.onFailure("the snapshotter stopped", ex);
        }
    }

    private void writeSnapshot(final long nowMs)
    {
        final long startNs = System.nanoTime();
        try
        {
            final java.nio.file.Path file = store.write(shadow, lastIndex, nowMs);
            store.prune(config.snapshotRetention());
            lastWriteMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            lastSnapshotSequence = shadow.lastSequence();
            snapshotsWritten++;
            listener.onSnapshot(file, shadow.lastSequence(), lastWriteMs);
        }
        catch (final java.io.IOException ex)
        {
            // Snapshots only shorten recovery: report, keep journaling, try again next time.
            listener.onFailure("cannot write a snapshot at input " + shadow.lastSequence(), ex);
        }
    }
}
