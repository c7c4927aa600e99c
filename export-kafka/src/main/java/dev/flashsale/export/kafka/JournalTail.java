package dev.flashsale.export.kafka;

import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.EventJournalReader;
import dev.flashsale.journal.JournalException;
import dev.flashsale.journal.JournalFiles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.DirectBuffer;

import java.nio.file.Path;

/**
 * The exporter's read-only view of a data directory's event journal: positioned just after an
 * exported position, then read event by event, every record checked by {@link EventJournalReader}
 * (length, checksum, order). A damaged record, or a journal that does not hold the exported
 * position, is a {@link JournalException}: never skipped. Works the same on a standalone node's and
 * on a cluster member's data directory (same layout, and positions are the same on every member).
 * Single-threaded: the thread that positions it reads it (Chronicle tailers are single-threaded).
 */
final class JournalTail implements AutoCloseable
{
    /** Receives one event; the buffer is valid during the call only. */
    @FunctionalInterface
    interface Handler
    {
        void onEvent(long inputSequence, int index, long chronicleIndex, DirectBuffer buffer, int offset, int length);
    }

    private final SingleChronicleQueue queue;
    private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    private EventJournalReader reader;
    private boolean pending; // the reader holds an event read while positioning, not yet handed out

    JournalTail(final Path dataDirectory)
    {
        queue = JournalFiles.openEvents(DataDirectory.openExisting(dataDirectory), false);
    }

    /**
     * Positions the tail just after {@code after}: seeks to its Chronicle index and checks the
     * event there; if the hint does not hold (another member's journal, a rebuilt journal) reads
     * from the first event, skipping up to {@code after}, which must then be found exactly.
     *
     * @throws JournalException if the journal is damaged, does not hold {@code after}, or ends before it.
     */
    void positionAfter(final ExportPosition after)
    {
        if (reader != null)
        {
            reader.close();
        }
        reader = new EventJournalReader(queue);
        pending = false;
        if (after.isStart())
        {
            return;
        }
        if (after.chronicleIndex() >= 0 && reader.seek(after.chronicleIndex()))
        {
            while (next() && reader.index() == after.chronicleIndex())
            {
                if (reader.inputSequence() == after.inputSequence() && reader.eventIndex() == after.index())
                {
                    checkSameEvent(after);
                    return;
                }
                if (after.isBefore(reader.inputSequence(), reader.eventIndex()))
                {
                    break;
                }
            }
        }
        reader.rewind(); // the hint did not hold, or the seek failed and left the tailer anywhere
        while (next())
        {
            if (reader.inputSequence() == after.inputSequence() && reader.eventIndex() == after.index())
            {
                checkSameEvent(after);
                return;
            }
            if (after.isBefore(reader.inputSequence(), reader.eventIndex()))
            {
                throw new JournalException("the event journal has no event " + after + ", the last one exported (it goes from " +
                    "an earlier event to (" + reader.inputSequence() + ", " + reader.eventIndex() + ")): this is not the " +
                    "journal the export came from, or it was truncated and written again. Export it under another " +
                    "--transactional-id (to new topics) or restore the journal");
            }
        }
        throw new JournalException("the event journal ends before " + after + ", the last event exported: it was truncated, " +
            "or this member is behind the one exported from. Start the exporter once the journal holds that event; if this " +
            "is another journal, export it under another --transactional-id (to new topics)");
    }

    /**
     * Positions the tail at {@code target}, so that the next {@link #poll} hands out that event
     * first: for a resume before the stored position, when events the position counts were undone
     * in Kafka (a hanging transaction aborted, see {@link HangingTransactions}). Reads the journal
     * from its first event, as the count of the events before {@code target} is needed: a rare
     * repair, not the way of every start.
     *
     * @return the number of events before {@code target}.
     * @throws JournalException if the journal is damaged or has no event at {@code target}.
     */
    long positionAt(final JournalPosition target)
    {
        if (reader != null)
        {
            reader.close();
        }
        reader = new EventJournalReader(queue);
        pending = false;
        long before = 0;
        while (next())
        {
            final JournalPosition at = new JournalPosition(reader.inputSequence(), reader.eventIndex());
            final int order = at.compareTo(target);
            if (order == 0)
            {
                pending = true;
                return before;
            }
            if (order > 0)
            {
                break;
            }
            before++;
        }
        throw new JournalException("the event journal has no event " + target + ", which Kafka holds in an aborted " +
            "transaction of this exporter: this is not the journal the export came from. Export it under another " +
            "--transactional-id (to new topics) or restore the journal");
    }

    private void checkSameEvent(final ExportPosition after)
    {
        if (after.eventChecksum() >= 0 &&
            ExportPosition.checksum(crc, reader.payload(), 0, reader.length()) != after.eventChecksum())
        {
            throw new JournalException("the event journal holds another event at " + after + " than the one exported " +
                "there (its CRC32C differs): the journal was truncated and written again, or it is another sale's. Export " +
                "it under another --transactional-id (to new topics) or restore the journal");
        }
    }

    /**
     * Hands out up to {@code limit} events after the current position.
     *
     * @return the events handed out; 0 at the end of the journal for now.
     * @throws JournalException on a damaged or out-of-order record.
     */
    int poll(final Handler handler, final int limit)
    {
        int delivered = 0;
        while (delivered < limit && (pending || next()))
        {
            pending = false;
            handler.onEvent(reader.inputSequence(), reader.eventIndex(), reader.index(), reader.payload(), 0, reader.length());
            delivered++;
        }
        return delivered;
    }

    /** @return the input sequence of the journal's last event (0 when empty), read from its end. */
    long lastInputSequence()
    {
        return EventJournalReader.lastEvent(queue).inputSequence();
    }

    private boolean next()
    {
        final EventJournalReader.Status status = reader.next();
        if (status == EventJournalReader.Status.END)
        {
            return false;
        }
        if (status != EventJournalReader.Status.RECORD)
        {
            throw new JournalException("the event journal is damaged at " + reader.position() + ": " + reader.problem() +
                ". The export stops here; nothing after the last good event was sent. Check it with 'flashsale journal " +
                "verify --live --data-dir <dir>'");
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
        queue.close();
    }
}
