package dev.flashsale.journal.tools;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.protocol.ProtocolLimits;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The tools that change a data directory, only while no node runs on it (they hold the lock).
 * Nothing is deleted: what is replaced is moved aside, named with the time, for forensics.
 *
 * <ul>
 *   <li>{@code truncate --after N}: keeps inputs 1..N, moves the rest of the input journal aside
 *       (a torn tail, or a deliberate cut), moves aside the snapshots (they point into the old
 *       journal; the next start replays from scratch and writes new ones), and rebuilds the event
 *       journal to match.</li>
 *   <li>{@code rebuild-events}: regenerates the event journal from the input journal.</li>
 * </ul>
 */
final class Repair
{
    private final ToolContext context;
    private final PrintWriter out;

    Repair(final ToolContext context, final PrintWriter out)
    {
        this.context = context;
        this.out = out;
    }

    void truncate(final long afterSequence) throws IOException
    {
        final long goodEnd = lastGoodSequence();
        if (afterSequence > goodEnd)
        {
            throw new JournalException("cannot keep inputs up to " + afterSequence + ": the journal's good records end at " +
                goodEnd);
        }
        final String stamp = stamp();
        final Path inputs = context.directory.inputs();
        final Path rewritten = inputs.resolveSibling("inputs.rewrite-" + stamp);
        final long kept = JournalFiles.rewrite(context.inputs(), rewritten, afterSequence);
        context.closeQueues();
        final Path aside = inputs.resolveSibling("inputs.before-truncate-" + stamp);
        Files.move(inputs, aside);
        Files.move(rewritten, inputs);
        JournalFiles.setWatermark(context.directory.inputWatermark(), kept);
        out.printf("kept inputs 1..%d; the old input journal is in %s%n", kept, aside.getFileName());
        // Every snapshot names the document of its last input in the old journal: move them all aside.
        final SnapshotStore store = new SnapshotStore(context.directory.snapshots());
        for (final Path snapshot : store.list())
        {
            Files.move(snapshot, snapshot.resolveSibling(snapshot.getFileName() + ".before-truncate-" + stamp));
            out.println("moved aside " + snapshot.getFileName() + " (it points into the old journal)");
        }
        rebuildEvents(stamp);
    }

    void rebuildEvents() throws IOException
    {
        rebuildEvents(stamp());
    }

    private void rebuildEvents(final String stamp) throws IOException
    {
        final Path events = context.directory.events();
        if (Files.exists(events))
        {
            context.closeQueues();
            final Path aside = events.resolveSibling("events.before-rebuild-" + stamp);
            Files.move(events, aside);
            out.println("the old event journal is in " + aside.getFileName());
        }
        final Engine engine = new Engine(context.engineConfig);
        final long written;
        try (SingleChronicleQueue inputs = JournalFiles.openInputs(context.directory, false);
             SingleChronicleQueue rebuilt = JournalFiles.openQueue(events);
             JournalFiles.EventSink sink = JournalFiles.eventAppender(rebuilt))
        {
            final Regenerating output = new Regenerating(sink);
            new JournalReplay().run(engine, inputs, -1, Long.MAX_VALUE, Long.MAX_VALUE, output, output::beginInput);
            written = output.written;
        }
        JournalFiles.setWatermark(context.directory.eventWatermark(), engine.lastSequence());
        out.printf("rebuilt the event journal: %,d events from %,d inputs%n", written, engine.lastSequence());
        out.flush();
    }

    private long lastGoodSequence()
    {
        long last = 0;
        try (InputJournalReader reader = new InputJournalReader(context.inputs(), 1))
        {
            while (reader.next() == InputJournalReader.Status.RECORD)
            {
                last = reader.sequence();
            }
        }
        return last;
    }

    private static String stamp()
    {
        return Instant.now().toString().replace(':', '-');
    }

    /** Appends every replayed event. */
    private static final class Regenerating implements EngineOutput
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
        private final JournalFiles.EventSink sink;
        private long input;
        long written;

        Regenerating(final JournalFiles.EventSink sink)
        {
            this.sink = sink;
        }

        void beginInput(final long sequence)
        {
            input = sequence;
        }

        @Override
        public MutableDirectBuffer claim()
        {
            return buffer;
        }

        @Override
        public void commit(final int length, final boolean isResult)
        {
            if (!isResult)
            {
                sink.append(input, buffer.byteArray(), length);
                written++;
            }
        }
    }
}
