package dev.flashsale.read.feed;

import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.EventJournalReader;
import dev.flashsale.journal.JournalException;
import dev.flashsale.journal.JournalFiles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.DirectBuffer;

import java.nio.file.Path;

/**
 * Tails the event journal of a data directory, read-only, from just after a position: the only
 * feed of the read services. It works the same in the node's process and in another process on
 * the same host (Chronicle Queue is shared memory), and never touches the engine. Each event is
 * checked (length, checksum, order) by {@link EventJournalReader}; a damaged one stops the feed
 * with a {@link JournalException} rather than being skipped. One thread creates, polls and closes
 * it: the constructor already moves the Chronicle tailer, a single-threaded object, to the position.
 */
public final class EventFeed implements AutoCloseable
{
    /** Receives events in journal order. */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * @param buffer holds the SBE-encoded event, header included, at {@code offset}; valid during the call only.
         */
        void onEvent(long inputSequence, int index, long chronicleIndex, DirectBuffer buffer, int offset, int length);
    }

    private final SingleChronicleQueue queue;
    private final EventJournalReader reader;
    private volatile EventPosition position; // written by the polling thread, read by any
    private final boolean rewritten;

    /**
     * Opens the feed just after {@code after}. The journal must still hold that very event at its
     * Chronicle index; if it does not (the event journal was rebuilt, or truncated and written
     * again, so positions may now name other events), the feed starts from the first event and
     * {@link #rewritten()} says so: the projection must then start over from empty stores.
     */
    public EventFeed(final Path dataDirectory, final EventPosition after)
    {
        queue = JournalFiles.openEvents(DataDirectory.openExisting(dataDirectory), false);
        try
        {
            reader = new EventJournalReader(queue);
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            throw ex;
        }
        if (after.chronicleIndex() < 0)
        {
            position = EventPosition.START;
            rewritten = false;
            return;
        }
        boolean found = false;
        if (reader.seek(after.chronicleIndex()))
        {
            while (reader.next() == EventJournalReader.Status.RECORD && reader.index() == after.chronicleIndex())
            {
                if (reader.inputSequence() == after.inputSequence() && reader.eventIndex() == after.index())
                {
                    found = true; // positioned just after it
                    break;
                }
                if (after.isBefore(reader.inputSequence(), reader.eventIndex()))
                {
                    break; // past where it should be: not the same journal
                }
            }
        }
        rewritten = !found;
        if (rewritten)
        {
            reader.rewind();
            position = EventPosition.START;
        }
        else
        {
            position = after;
        }
    }

    /** @return true if the journal no longer holds the position the feed was opened after: start over. */
    public boolean rewritten()
    {
        return rewritten;
    }

    /**
     * Delivers up to {@code limit} events after the current position.
     *
     * @return events delivered; 0 when the feed is at the end of the journal for now.
     * @throws JournalException on a damaged or out-of-order event.
     */
    public int poll(final Handler handler, final int limit)
    {
        final EventPosition start = position;
        long lastSequence = start.inputSequence();
        int lastIndex = start.index();
        long lastChronicleIndex = start.chronicleIndex();
        boolean applied = false;
        int delivered = 0;
        try
        {
            while (delivered < limit)
            {
                final EventJournalReader.Status status = reader.next();
                if (status == EventJournalReader.Status.END)
                {
                    break;
                }
                if (status != EventJournalReader.Status.RECORD)
                {
                    throw new JournalException("the event feed stopped at " + reader.position() + ": " + reader.problem());
                }
                final long sequence = reader.inputSequence();
                final int index = reader.eventIndex();
                if (sequence < lastSequence || sequence == lastSequence && index <= lastIndex)
                {
                    delivered++; // applied before the restart: counts toward the batch, so a long skip still yields
                    continue;
                }
                handler.onEvent(sequence, index, reader.index(), reader.payload(), 0, reader.length());
                lastSequence = sequence;
                lastIndex = index;
                lastChronicleIndex = reader.index();
                applied = true;
                delivered++;
            }
        }
        finally
        {
            if (applied)
            {
                position = new EventPosition(lastSequence, lastIndex, lastChronicleIndex); // once a batch, not once an event
            }
        }
        return delivered;
    }

    /** @return the last event delivered (or the starting position). */
    public EventPosition position()
    {
        return position;
    }

    @Override
    public void close()
    {
        reader.close();
        queue.close();
    }
}
