package dev.flashsale.journal;

import dev.flashsale.engine.protocol.ProtocolLimits;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.ByteOrder;

/**
 * Reads the event journal in order, checking each record's length and checksum and that positions
 * {@code (input sequence, index)} follow on: the index grows by one within an input and restarts at
 * 0 on a later input. The feed of recovery, the tools and the read services' projections.
 * No allocation per event ({@link RecordReader}).
 */
public final class EventJournalReader extends RecordReader
{
    /** What {@link #next()} found. */
    public enum Status
    {
        RECORD, END, BAD_RECORD, OUT_OF_ORDER
    }

    /** Position of the last event of a journal; {@code inputSequence} 0 and {@code index} -1 when empty. */
    public record LastEvent(long inputSequence, int index, long chronicleIndex)
    {
    }

    private long inputSequence;
    private int eventIndex = -1;
    private boolean afterSeek;

    public EventJournalReader(final SingleChronicleQueue queue)
    {
        super(queue, EventRecord.MAX_DOCUMENT_LENGTH, EventRecord.HEADER_LENGTH, ProtocolLimits.MAX_OUTPUT_LENGTH, "event");
    }

    /** @return the position of the journal's last event; {@code (0, -1, -1)} for an empty journal. */
    public static LastEvent lastEvent(final SingleChronicleQueue queue)
    {
        try (EventJournalReader reader = new EventJournalReader(queue))
        {
            try
            {
                reader.tailer().direction(TailerDirection.BACKWARD).toEnd();
                if (!reader.readDocument())
                {
                    return new LastEvent(0, -1, -1);
                }
            }
            catch (final IllegalStateException ex) // Chronicle's word for a queue file it cannot index
            {
                throw new JournalException("cannot read the end of the event journal (" + ex.getMessage() + "): its" +
                    " files are damaged. Events come from the inputs: rebuild it with 'flashsale journal" +
                    " rebuild-events --data-dir <dir>', then start the node", ex);
            }
            reader.tailer().direction(TailerDirection.FORWARD);
            while (reader.hasBytes())
            {
                if (!reader.readEvent())
                {
                    throw new JournalException("the last document of the event journal is damaged (" + reader.position() +
                        ": " + reader.problem() + "); rebuild it with 'flashsale journal rebuild-events'");
                }
            }
            return new LastEvent(reader.inputSequence, reader.eventIndex, reader.index());
        }
    }

    public Status next()
    {
        if (!hasBytesOrNextDocument())
        {
            return Status.END;
        }
        final long previousSequence = inputSequence;
        final int previousIndex = eventIndex;
        if (!readEvent())
        {
            return Status.BAD_RECORD;
        }
        // After a seek the first event may sit anywhere in its input's events; order is checked from the next one.
        final boolean follows = afterSeek ? inputSequence > 0 && eventIndex >= 0 :
            inputSequence == previousSequence ? eventIndex == previousIndex + 1 :
            inputSequence > previousSequence && eventIndex == 0;
        afterSeek = false;
        if (!follows)
        {
            problem("event (" + inputSequence + ", " + eventIndex + ") after (" + previousSequence + ", " + previousIndex +
                ")");
            return Status.OUT_OF_ORDER;
        }
        return Status.RECORD;
    }

    private boolean readEvent()
    {
        if (!readRecord())
        {
            return false;
        }
        inputSequence = document().getLong(recordOffset() + EventRecord.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        eventIndex = document().getInt(recordOffset() + EventRecord.INDEX_OFFSET, ByteOrder.LITTLE_ENDIAN);
        return true;
    }

    /**
     * Moves to the document at a Chronicle index (a position an earlier reader reported with
     * {@link #index()}), so a tailer resumes without reading the journal from its start.
     *
     * @return false if the journal has no document at that index (it was rebuilt, or is shorter).
     */
    public boolean seek(final long chronicleIndex)
    {
        forgetDocument();
        inputSequence = 0;
        eventIndex = -1;
        afterSeek = true;
        return tailer().moveToIndex(chronicleIndex);
    }

    /** Moves back to the first event of the journal. */
    public void rewind()
    {
        forgetDocument();
        inputSequence = 0;
        eventIndex = -1;
        afterSeek = false;
        tailer().toStart();
    }

    public long inputSequence()
    {
        return inputSequence;
    }

    /** @return the event's place among its input's events, from 0. */
    public int eventIndex()
    {
        return eventIndex;
    }
}
