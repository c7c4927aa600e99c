package dev.flashsale.journal;

import dev.flashsale.engine.protocol.ProtocolLimits;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads the event journal in order, checking each record's length and checksum and that positions
 * {@code (input sequence, index)} follow on: the index grows by one within an input and restarts at
 * 0 on a later input. The feed of recovery, the tools and (later) the read services' projections.
 */
public final class EventJournalReader implements AutoCloseable
{
    /** What {@link #next()} found. */
    public enum Status
    {
        RECORD, END, BAD_RECORD, OUT_OF_ORDER
    }

    /** Position of the last event of a journal; {@code inputSequence} 0 when empty. */
    public record LastEvent(long inputSequence, int index, long chronicleIndex)
    {
    }

    private final ExcerptTailer tailer;
    private final CRC32C crc = new CRC32C();
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[EventRecord.HEADER_LENGTH]);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
    private long inputSequence;
    private int eventIndex = -1;
    private int length;
    private long index = -1;
    private String problem;

    public EventJournalReader(final SingleChronicleQueue queue)
    {
        this.tailer = queue.createTailer();
    }

    /** @return the position of the journal's last event; {@code (0, -1, -1)} for an empty journal. */
    public static LastEvent lastEvent(final SingleChronicleQueue queue)
    {
        try (ExcerptTailer tailer = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd();
             DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return new LastEvent(0, -1, -1);
            }
            final Bytes<?> bytes = dc.wire().bytes();
            if (bytes.readRemaining() < EventRecord.HEADER_LENGTH)
            {
                throw new JournalException("the last record of the event journal is damaged (index 0x" +
                    Long.toHexString(dc.index()) + "); rebuild it with 'flashsale journal rebuild-events'");
            }
            final UnsafeBuffer header = new UnsafeBuffer(new byte[EventRecord.HEADER_LENGTH]);
            bytes.read(header.byteArray(), 0, EventRecord.HEADER_LENGTH);
            return new LastEvent(header.getLong(EventRecord.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN),
                header.getInt(EventRecord.INDEX_OFFSET, ByteOrder.LITTLE_ENDIAN), dc.index());
        }
    }

    /** Positions the reader after a Chronicle index, so the next event read is the one after it. */
    public boolean moveAfter(final long chronicleIndex, final long inputSequence, final int eventIndex)
    {
        if (!tailer.moveToIndex(chronicleIndex))
        {
            return false;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            this.inputSequence = inputSequence;
            this.eventIndex = eventIndex;
            return dc.isPresent();
        }
    }

    public Status next()
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return Status.END;
            }
            index = dc.index();
            final Bytes<?> bytes = dc.wire().bytes();
            final long available = bytes.readRemaining();
            if (available < EventRecord.HEADER_LENGTH)
            {
                problem = "record of " + available + " bytes, shorter than a header";
                return Status.BAD_RECORD;
            }
            bytes.read(header.byteArray(), 0, EventRecord.HEADER_LENGTH);
            final long sequence = header.getLong(EventRecord.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final int position = header.getInt(EventRecord.INDEX_OFFSET, ByteOrder.LITTLE_ENDIAN);
            length = header.getInt(EventRecord.LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (length <= 0 || length > ProtocolLimits.MAX_OUTPUT_LENGTH || length != available - EventRecord.HEADER_LENGTH)
            {
                problem = "record says " + length + " event bytes, holds " + (available - EventRecord.HEADER_LENGTH);
                return Status.BAD_RECORD;
            }
            bytes.read(payload.byteArray(), 0, length);
            if (EventRecord.checksum(crc, header.byteArray(), payload.byteArray(), length) !=
                header.getInt(EventRecord.CRC_OFFSET, ByteOrder.LITTLE_ENDIAN))
            {
                problem = "checksum mismatch (record claims input " + sequence + ", event " + position + ")";
                return Status.BAD_RECORD;
            }
            final boolean follows = sequence == inputSequence ? position == eventIndex + 1 :
                sequence > inputSequence && position == 0;
            if (!follows)
            {
                problem = "event (" + sequence + ", " + position + ") after (" + inputSequence + ", " + eventIndex + ")";
                return Status.OUT_OF_ORDER;
            }
            inputSequence = sequence;
            eventIndex = position;
            return Status.RECORD;
        }
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

    /** @return the event, SBE header included, at offset 0. */
    public UnsafeBuffer payload()
    {
        return payload;
    }

    public int length()
    {
        return length;
    }

    /** @return the Chronicle index of the last document read, or -1. */
    public long index()
    {
        return index;
    }

    public String position()
    {
        return "index 0x" + Long.toHexString(index);
    }

    public String problem()
    {
        return problem;
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
