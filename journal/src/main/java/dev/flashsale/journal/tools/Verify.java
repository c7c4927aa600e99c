package dev.flashsale.journal.tools;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.journal.EventJournalReader;
import dev.flashsale.journal.InputJournalReader;
import dev.flashsale.journal.JournalException;
import dev.flashsale.journal.JournalFiles;
import dev.flashsale.journal.JournalReplay;
import dev.flashsale.journal.SnapshotStore;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code flashsale journal verify}: every record of both journals (checksum, sequence, order),
 * both watermarks, every snapshot file, and a replay from scratch that must reproduce each
 * snapshot's state hash and, event for event, the event journal.
 */
final class Verify
{
    private final ToolContext context;
    private final PrintWriter out;
    private final List<String> problems = new ArrayList<>();

    Verify(final ToolContext context, final PrintWriter out)
    {
        this.context = context;
        this.out = out;
    }

    /** @return true if nothing is wrong. */
    boolean run() throws IOException
    {
        final long lastInput = checkInputs();
        checkEvents();
        checkSnapshotsAndReplay(lastInput);
        if (problems.isEmpty())
        {
            out.println("verify: ok");
        }
        else
        {
            out.printf("verify: %d problem(s)%n", problems.size());
            problems.forEach(problem -> out.println("  " + problem));
        }
        out.flush();
        return problems.isEmpty();
    }

    private long checkInputs()
    {
        long count = 0;
        long last = 0;
        try (InputJournalReader reader = new InputJournalReader(context.inputs(), 1))
        {
            InputJournalReader.Status status;
            while ((status = reader.next()) != InputJournalReader.Status.END)
            {
                if (status == InputJournalReader.Status.RECORD)
                {
                    count++;
                    last = reader.sequence();
                }
                else
                {
                    problems.add("input journal, " + reader.position() + ": " + reader.problem());
                }
            }
        }
        final long watermark = JournalFiles.watermark(context.directory.inputWatermark());
        out.printf("input journal: %,d records, sequences 1..%d, checksums and continuity checked; watermark %d%n", count,
            last, watermark);
        if (last < watermark)
        {
            problems.add("the input journal ends at " + last + " but inputs up to " + watermark + " were written");
        }
        return last;
    }

    private void checkEvents()
    {
        final SingleChronicleQueue events = context.events();
        if (events == null)
        {
            out.println("event journal: none");
            return;
        }
        long count = 0;
        long last = 0;
        try (EventJournalReader reader = new EventJournalReader(events))
        {
            EventJournalReader.Status status;
            while ((status = reader.next()) != EventJournalReader.Status.END)
            {
                if (status == EventJournalReader.Status.RECORD)
                {
                    count++;
                    last = reader.inputSequence();
                }
                else
                {
                    problems.add("event journal, " + reader.position() + ": " + reader.problem());
                }
            }
        }
        out.printf("event journal: %,d events up to input %d, checksums and order checked; complete through input %d%n",
            count, last, JournalFiles.watermark(context.directory.eventWatermark()));
    }

    private void checkSnapshotsAndReplay(final long lastInput) throws IOException
    {
        final SnapshotStore store = new SnapshotStore(context.directory.snapshots());
        final List<SnapshotStore.Header> snapshots = new ArrayList<>();
        for (final Path file : store.list())
        {
            try
            {
                store.load(file, context.engineConfig);
                snapshots.add(store.readHeader(file));
            }
            catch (final IOException ex)
            {
                problems.add("snapshot " + file.getFileName() + ": " + ex.getMessage());
            }
        }
        snapshots.sort(Comparator.comparingLong(SnapshotStore.Header::inputSequence));
        final Engine engine = new Engine(context.engineConfig);
        final EventComparison comparison = new EventComparison(context.events());
        long fromIndex = -1;
        try
        {
            for (final SnapshotStore.Header snapshot : snapshots)
            {
                fromIndex = new JournalReplay().run(engine, context.inputs(), fromIndex, snapshot.inputSequence(),
                    Long.MAX_VALUE, comparison, comparison::beginInput).lastIndex();
                if (engine.lastSequence() != snapshot.inputSequence() || engine.stateHash() != snapshot.stateHash())
                {
                    problems.add("snapshot " + snapshot.file().getFileName() + ": replay reaches hash " +
                        Long.toHexString(engine.stateHash()) + " at input " + engine.lastSequence() + ", the snapshot says " +
                        Long.toHexString(snapshot.stateHash()));
                }
            }
            new JournalReplay().run(engine, context.inputs(), fromIndex, Long.MAX_VALUE, Long.MAX_VALUE, comparison,
                comparison::beginInput);
            engine.verifyInvariants();
        }
        catch (final JournalException | Error ex)
        {
            problems.add("replay stopped at input " + engine.lastSequence() + ": " + ex.getMessage());
        }
        comparison.close();
        out.printf("replay from scratch: %d inputs, state hash %016x; %d snapshot(s) reproduced; %,d events compared%n",
            engine.lastSequence(), engine.stateHash(), snapshots.size(), comparison.compared);
        if (comparison.mismatch != null)
        {
            problems.add(comparison.mismatch);
        }
        if (comparison.ended)
        {
            out.println("the event journal ends before event " + comparison.endedBefore + ": the node regenerates the" +
                " rest when it next starts");
        }
        if (engine.lastSequence() != lastInput && problems.isEmpty())
        {
            problems.add("replay reached input " + engine.lastSequence() + ", the journal holds " + lastInput);
        }
    }

    /** Compares each regenerated event with the event journal's next record. */
    private static final class EventComparison implements EngineOutput, AutoCloseable
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
        private final EventJournalReader reader;
        private long input;
        private int index;
        long compared;
        String mismatch;
        boolean ended;
        String endedBefore;

        EventComparison(final SingleChronicleQueue events)
        {
            reader = events == null ? null : new EventJournalReader(events);
        }

        void beginInput(final long sequence)
        {
            input = sequence;
            index = 0;
        }

        @Override
        public MutableDirectBuffer claim()
        {
            return buffer;
        }

        @Override
        public void commit(final int length, final boolean isResult)
        {
            if (isResult || reader == null || mismatch != null)
            {
                return;
            }
            if (ended)
            {
                return;
            }
            final EventJournalReader.Status status = reader.next();
            if (status == EventJournalReader.Status.END)
            {
                ended = true; // behind the input journal: recovery regenerates the rest
                endedBefore = "(" + input + ", " + index + ")";
                return;
            }
            if (status != EventJournalReader.Status.RECORD)
            {
                mismatch = "event journal at " + reader.position() + ": " + reader.problem();
            }
            else if (reader.inputSequence() != input || reader.eventIndex() != index || reader.length() != length ||
                !sameBytes(length))
            {
                mismatch = "event journal differs from replay at event (" + input + ", " + index + "), " + reader.position();
            }
            compared++;
            index++;
        }

        private boolean sameBytes(final int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (reader.payload().getByte(i) != buffer.getByte(i))
                {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close()
        {
            if (reader != null)
            {
                reader.close();
            }
        }
    }
}
