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
 * with a {@link JournalException} rather than being skipped. One thread.
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

    /**
     * Opens the feed after {@code after}: at its document if the journal still has it and it
     * holds that event or earlier ones, else from the start (a rebuilt journal), skipping every
     * event up to {@code after} either way.
     */
    public EventFeed(final Path dataDirectory, final EventPosition after)
    {
        queue = JournalFiles.openEvents(DataDirectory.openExisting(dataDirectory), false);
        reader = new EventJournalReader(queue);
        position = after;
        if (after.chronicleIndex() >= 0 && reader.seek(after.chronicleIndex()))
        {
            final EventJournalReader.Status first = reader.next();
            if (first != EventJournalReader.Status.RECORD || after.isBefore(reader.inputSequence(), reader.eventIndex()))
            {
                reader.rewind(); // the document no longer holds what it did: read from the start
            }
            else
            {
                reader.seek(after.chronicleIndex());
            }
        }
    }

    /**
     * Delivers up to {@code limit} events after the current position.
     *
     * @return events delivered; 0 when the feed is at the end of the journal for now.
     * @throws JournalException on a damaged or out-of-order event.
     */
    public int poll(final Handler handler, final int limit)
    {
        int delivered = 0;
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
            if (!position.isBefore(sequence, index))
            {
                continue; // applied before the restart
            }
            handler.onEvent(sequence, index, reader.index(), reader.payload(), 0, reader.length());
            position = new EventPosition(sequence, index, reader.index());
            delivered++;
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
