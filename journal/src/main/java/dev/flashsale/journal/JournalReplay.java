package dev.flashsale.journal;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.util.function.LongConsumer;

/**
 * Applies the input journal to an engine, checking every record: recovery, the shadow snapshotter's
 * catch-up and the tools all replay through here. A damaged record stops the replay with a
 * {@link JournalException} that tells damage in the middle (good records follow) from a torn tail
 * (nothing good follows) and names the position; the rule for each is in {@link Recovery}.
 */
public final class JournalReplay
{
    private static final int PREFETCH_GROUP = 16;

    private long lastIndex = -1;
    private long lastReadSequence;
    private long replayed;
    private long prefetched;

    /**
     * Applies the inputs after the engine's last one, starting in the document at {@code fromIndex}
     * (-1: the start of the journal), up to and including {@code toSequence}, and only inputs stamped
     * at or before {@code toTimeMs}.
     *
     * @param onInput told each input's sequence before it is applied.
     * @return this, with {@link #replayed()} and {@link #lastIndex()}.
     */
    public JournalReplay run(
        final Engine engine,
        final SingleChronicleQueue inputs,
        final long fromIndex,
        final long toSequence,
        final long toTimeMs,
        final EngineOutput output,
        final LongConsumer onInput)
    {
        lastIndex = fromIndex;
        try (InputJournalReader reader = new InputJournalReader(inputs, engine.lastSequence() + 1))
        {
            if (fromIndex >= 0 && !reader.moveTo(fromIndex))
            {
                reader.moveToStart(); // a stale position (a rewritten journal): find the next input by reading
            }
            while (true)
            {
                final InputJournalReader.Status status = reader.next();
                if (status == InputJournalReader.Status.END)
                {
                    lastReadSequence = reader.sequence();
                    return this;
                }
                if (status == InputJournalReader.Status.GAP)
                {
                    // A record that passes its checksum with the wrong sequence was written so: never a torn write.
                    throw new JournalException("the input journal is damaged: after input " + engine.lastSequence() +
                        ", " + reader.position() + ": " + reader.problem() + ". Refusing to skip or drop inputs:" +
                        " restore the data directory from a backup or a replica");
                }
                if (status != InputJournalReader.Status.RECORD)
                {
                    throw damage(reader, engine.lastSequence());
                }
                if (reader.sequence() > toSequence || reader.timestampMs() > toTimeMs)
                {
                    return this;
                }
                if ((replayed & (PREFETCH_GROUP - 1)) == 0)
                {
                    prefetched += reader.prefetchAhead(engine, PREFETCH_GROUP);
                }
                onInput.accept(reader.sequence());
                engine.apply(reader.sequence(), reader.timestampMs(), reader.payload(), 0, reader.length(), output);
                lastIndex = reader.index();
                replayed++;
            }
        }
    }

    /** @return the prefetched values' sum: read so the prefetch loads stay in the compiled code. */
    public long prefetched()
    {
        return prefetched;
    }

    /**
     * @return the sequence of the last good record read when the replay reached the journal's end,
     *     records passed over before {@code fromIndex}'s input included; 0 if it read none or stopped early.
     */
    public long lastReadSequence()
    {
        return lastReadSequence;
    }

    /** @return inputs applied. */
    public long replayed()
    {
        return replayed;
    }

    /** @return the Chronicle index of the document of the last input applied ({@code fromIndex} if none). */
    public long lastIndex()
    {
        return lastIndex;
    }

    /** Reads past a bad record to tell damage in the middle from a torn tail. */
    private static JournalException damage(final InputJournalReader reader, final long lastGood)
    {
        final String where = reader.position();
        final String problem = reader.problem();
        long bad = 1;
        while (true)
        {
            final InputJournalReader.Status status = reader.next();
            if (status == InputJournalReader.Status.END)
            {
                return new JournalException("torn tail in the input journal after input " + lastGood + ": " + bad +
                    " unreadable record(s) from " + where + " (" + problem + "). A crash or, with journal.sync=batch," +
                    " a power loss tears only a batch that was never decided, so never acknowledged (with" +
                    " journal.sync=none a power loss may tear decided inputs too). Move them aside with 'flashsale" +
                    " journal truncate --data-dir <dir> --after " + lastGood + "', then start the node");
            }
            if (status == InputJournalReader.Status.RECORD || status == InputJournalReader.Status.GAP)
            {
                return new JournalException("the input journal is damaged in the middle: after input " + lastGood +
                    ", " + where + ": " + problem + "; good records follow at " + reader.position() + ". Refusing to" +
                    " skip inputs: restore the data directory from a backup or a replica");
            }
            bad++;
        }
    }
}
