package dev.flashsale.journal;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.protocol.ProtocolLimits;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Start-up recovery: the newest usable snapshot plus the input journal after it.
 *
 * <ol>
 *   <li>The event journal's last event and its watermark tell how far events are complete.</li>
 *   <li>Snapshots are tried newest first; one is usable if it loads and verifies (checksums, state
 *       hash) and is not past the complete events (so the events after it can be regenerated). A
 *       corrupt snapshot is reported and an older one tried; with none, recovery starts empty.</li>
 *   <li>Every input after the snapshot is read, checked (checksum, no gap) and applied. Events the
 *       event journal lacks are regenerated into it as they come.</li>
 *   <li>The journal must reach its watermark (else it was cut short) and the events' watermark.</li>
 *   <li>The full invariant check runs on the recovered state.</li>
 * </ol>
 *
 * <p>The rule for damage ({@link JournalReplay} finds it): a record that fails its checksum, or a gap in sequences, with a good
 * record anywhere after it, is damage in the middle: the node refuses to start, naming the position.
 * Bad records with nothing good after them are a torn tail (a crash in the middle of writing, or a
 * power loss with {@code journal.sync=none}); the node refuses to start too, and the message gives
 * the command that moves the torn records aside ({@code flashsale journal truncate --after N}), an
 * explicit operator action. A torn tail's inputs were never decided, so none was acknowledged.
 */
public final class Recovery
{
    private Recovery()
    {
    }

    /** What recovery did. */
    public record Report(
        Path snapshot,
        long snapshotSequence,
        long replayedInputs,
        long lastSequence,
        long lastInputIndex,
        long regeneratedEvents,
        long elapsedMs,
        String text)
    {
    }

    /** The recovered engine, and where the journals stand, for the writers that continue them. */
    public record Recovered(Engine engine, Report report, EventJournalReader.LastEvent lastEvent)
    {
    }

    static Recovered recover(
        final EngineConfig config,
        final SingleChronicleQueue inputs,
        final Watermark inputWatermark,
        final SingleChronicleQueue events,
        final Watermark eventWatermark,
        final SnapshotStore snapshots,
        final Consumer<String> log)
    {
        final long startNs = System.nanoTime();
        final EventJournalReader.LastEvent lastEvent = EventJournalReader.lastEvent(events);
        long eventsComplete = eventWatermark.sequence();
        if (lastEvent.inputSequence() < eventWatermark.lastEventInput())
        {
            // Events are derived from inputs, so none is lost for good: regenerate them, from a snapshot before the hole.
            log.accept("the event journal ends at an event of input " + lastEvent.inputSequence() + " but held events of" +
                " input " + eventWatermark.lastEventInput() + ": its files were cut short or damaged; the missing events" +
                " are regenerated from the input journal");
            eventsComplete = Math.min(eventsComplete, lastEvent.inputSequence());
        }
        final SnapshotStore.Loaded snapshot = newestUsableSnapshot(config, snapshots, eventsComplete, log);
        final Engine engine = snapshot != null ? snapshot.engine() : new Engine(config);
        final long loadedNs = System.nanoTime();
        final long snapshotIndex = snapshot != null ? snapshot.header().chronicleIndex() : -1;

        final RegeneratingOutput output;
        try (EventAppender appender = new EventAppender(events.createAppender()))
        {
            appender.continueAfter(lastEvent.inputSequence(), lastEvent.index());
            output = new RegeneratingOutput(appender, lastEvent);
            final JournalReplay replay = new JournalReplay()
                .run(engine, inputs, snapshotIndex, Long.MAX_VALUE, Long.MAX_VALUE, output, output::beginInput);
            final long replayed = replay.replayed();
            final long journalEnd = engine.lastSequence();
            if (snapshot != null && replay.lastReadSequence() < snapshot.header().inputSequence())
            {
                throw new JournalException("the input journal ends at input " + replay.lastReadSequence() + ", before " +
                    snapshot.header().file().getFileName() + " (input " + snapshot.header().inputSequence() + "): its" +
                    " files were cut short or damaged. Restore the data directory from a backup or a replica; do not" +
                    " start a node on it");
            }
            if (journalEnd < inputWatermark.sequence())
            {
                throw new JournalException("the input journal ends at input " + journalEnd + " but inputs up to " +
                    inputWatermark.sequence() + " were written: its files were cut short or damaged. Restore the data" +
                    " directory from a backup or a replica; do not start a node on it");
            }
            if (journalEnd < eventsComplete)
            {
                throw new JournalException("the event journal's mark says the events of every input up to " +
                    eventsComplete + " were written, but the input journal ends at input " + journalEnd +
                    ": inputs were lost");
            }
            final long replayedNs = System.nanoTime();
            if (snapshot == null || replayed > 0)
            {
                engine.verifyInvariants(); // a loaded snapshot with nothing after it was checked as it was read
            }
            final EventJournalReader.LastEvent eventsEnd = output.finish();
            eventWatermark.lastEventInput(eventsEnd.inputSequence());
            eventWatermark.sequence(journalEnd); // every event up to the journal's end is in the event journal now
            final long endNs = System.nanoTime();
            final long elapsedMs = (endNs - startNs) / 1_000_000;
            final String text = String.format("recovered to input %d in %d ms: %s, replayed %d inputs, regenerated %d" +
                " events (load %d ms, replay %d ms, invariant check %d ms)", journalEnd, elapsedMs,
                snapshot == null ? "no snapshot" : "snapshot at input " + snapshot.header().inputSequence(), replayed,
                output.regenerated, (loadedNs - startNs) / 1_000_000, (replayedNs - loadedNs) / 1_000_000,
                (endNs - replayedNs) / 1_000_000);
            log.accept(text);
            return new Recovered(engine, new Report(snapshot == null ? null : snapshot.header().file(),
                snapshot == null ? 0 : snapshot.header().inputSequence(), replayed, journalEnd, replay.lastIndex(),
                output.regenerated, elapsedMs, text), eventsEnd);
        }
    }

    private static SnapshotStore.Loaded newestUsableSnapshot(
        final EngineConfig config, final SnapshotStore snapshots, final long eventsComplete, final Consumer<String> log)
    {
        for (final Path file : snapshots.list())
        {
            if (SnapshotStore.sequenceOf(file) > eventsComplete)
            {
                log.accept("skipping " + file.getFileName() + ": it is past the last complete events (input " +
                    eventsComplete + "), which could then not be regenerated");
                continue;
            }
            try
            {
                return snapshots.load(file, config);
            }
            catch (final IOException ex)
            {
                log.accept("snapshot " + file + " is unusable (" + ex.getMessage() + "); trying an older one");
            }
        }
        return null;
    }

    /**
     * Receives the replayed engine's output and appends the events the event journal lacks: those
     * after its last event, position {@code (input, index)}.
     */
    static final class RegeneratingOutput implements EngineOutput
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
        private final EventAppender appender;
        private final long lastInput;
        private final int lastEventIndex;
        private long input;
        private int index;
        private long regenerated;

        RegeneratingOutput(final EventAppender appender, final EventJournalReader.LastEvent last)
        {
            this.appender = appender;
            this.lastInput = last.inputSequence();
            this.lastEventIndex = last.index();
        }

        @Override
        public MutableDirectBuffer claim()
        {
            return buffer;
        }

        void beginInput(final long inputSequence)
        {
            input = inputSequence;
            index = 0;
        }

        @Override
        public void commit(final int length, final boolean isResult)
        {
            if (isResult)
            {
                return;
            }
            final boolean present = input < lastInput || (input == lastInput && index <= lastEventIndex);
            if (!present)
            {
                appender.append(input, buffer.byteArray(), length);
                regenerated++;
            }
            index++;
        }

        /** Writes what is gathered; @return the journal's last event now. */
        EventJournalReader.LastEvent finish()
        {
            appender.flush();
            return new EventJournalReader.LastEvent(appender.inputSequence(), appender.lastIndex(), -1);
        }
    }
}
