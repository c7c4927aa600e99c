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
 * A document is copied once into a reused buffer; no allocation per event.
 */
public final class EventJournalReader implements AutoCloseable
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

    private final ExcerptTailer tailer;
    private final CRC32C crc = new CRC32C();
    private final UnsafeBuffer document = new UnsafeBuffer(new byte[EventRecord.MAX_DOCUMENT_LENGTH]);
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private int documentLength;
    private int offset;
    private int recordOffset;
    private long documentIndex = -1;
    private long inputSequence;
    private int eventIndex = -1;
    private int length;
    private String problem;

    public EventJournalReader(final SingleChronicleQueue queue)
    {
        this.tailer = queue.createTailer();
    }

    /** @return the position of the journal's last event; {@code (0, -1, -1)} for an empty journal. */
    public static LastEvent lastEvent(final SingleChronicleQueue queue)
    {
        try (EventJournalReader reader = new EventJournalReader(queue))
        {
            reader.tailer.direction(TailerDirection.BACKWARD).toEnd();
            if (!reader.readDocument())
            {
                return new LastEvent(0, -1, -1);
            }
            reader.tailer.direction(TailerDirection.FORWARD);
            long sequence = 0;
            int index = -1;
            while (reader.offset < reader.documentLength)
            {
                if (reader.readRecord() != Status.RECORD)
                {
                    throw new JournalException("the last document of the event journal is damaged (" + reader.position() +
                        ": " + reader.problem + "); rebuild it with 'flashsale journal rebuild-events'");
                }
                sequence = reader.inputSequence;
                index = reader.eventIndex;
            }
            return new LastEvent(sequence, index, reader.documentIndex);
        }
    }

    public Status next()
    {
        if (offset >= documentLength && !readDocument())
        {
            return Status.END;
        }
        final long previousSequence = inputSequence;
        final int previousIndex = eventIndex;
        final Status status = readRecord();
        if (status != Status.RECORD)
        {
            return status;
        }
        final boolean follows = inputSequence == previousSequence ? eventIndex == previousIndex + 1 :
            inputSequence > previousSequence && eventIndex == 0;
        if (!follows)
        {
            problem = "event (" + inputSequence + ", " + eventIndex + ") after (" + previousSequence + ", " + previousIndex +
                ")";
            return Status.OUT_OF_ORDER;
        }
        return Status.RECORD;
    }

    private boolean readDocument()
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            documentIndex = dc.index();
            final Bytes<?> bytes = dc.wire().bytes();
            final int available = (int)Math.min(bytes.readRemaining(), EventRecord.MAX_DOCUMENT_LENGTH + 1L);
            bytes.read(document.byteArray(), 0, Math.min(available, EventRecord.MAX_DOCUMENT_LENGTH));
            documentLength = available;
            offset = 0;
            return true;
        }
    }

    private Status readRecord()
    {
        recordOffset = offset;
        if (documentLength > EventRecord.MAX_DOCUMENT_LENGTH || documentLength - offset < EventRecord.HEADER_LENGTH)
        {
            return bad((documentLength - offset) + " bytes left of a document of " + documentLength + ": no record fits");
        }
        final int payloadOffset = offset + EventRecord.HEADER_LENGTH;
        final int recordLength = document.getInt(offset + EventRecord.LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (recordLength <= 0 || recordLength > ProtocolLimits.MAX_OUTPUT_LENGTH ||
            recordLength > documentLength - payloadOffset)
        {
            return bad("record says " + recordLength + " event bytes, the document holds " + (documentLength - payloadOffset));
        }
        crc.reset();
        crc.update(document.byteArray(), offset, EventRecord.CRC_OFFSET);
        crc.update(document.byteArray(), payloadOffset, recordLength);
        if ((int)crc.getValue() != document.getInt(offset + EventRecord.CRC_OFFSET, ByteOrder.LITTLE_ENDIAN))
        {
            return bad("checksum mismatch");
        }
        inputSequence = document.getLong(offset + EventRecord.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        eventIndex = document.getInt(offset + EventRecord.INDEX_OFFSET, ByteOrder.LITTLE_ENDIAN);
        length = recordLength;
        payload.wrap(document, payloadOffset, recordLength);
        offset = payloadOffset + recordLength;
        return Status.RECORD;
    }

    private Status bad(final String what)
    {
        problem = what;
        offset = documentLength;
        return Status.BAD_RECORD;
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

    /** @return the event, SBE header included, at offset 0; valid until the next read. */
    public UnsafeBuffer payload()
    {
        return payload;
    }

    public int length()
    {
        return length;
    }

    /** @return the Chronicle index of the document of the last event read, or -1. */
    public long index()
    {
        return documentIndex;
    }

    public String position()
    {
        return "document 0x" + Long.toHexString(documentIndex) + " byte " + recordOffset;
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
