package dev.flashsale.journal;

import dev.flashsale.engine.protocol.ProtocolLimits;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads the input journal in order and checks every record: its length, its checksum and that its
 * sequence is exactly one more than the previous record's. A document (one journaller batch) is
 * copied once into a reused buffer and its records are read from there; no allocation per record.
 *
 * <p>A record that fails a check is reported, not skipped: {@link #next()} answers
 * {@link Status#BAD_RECORD} (with {@link #problem()}) or {@link Status#GAP}, and the caller decides
 * (recovery tells a torn tail from damage in the middle by reading on). A bad record's length
 * cannot be trusted, so the rest of its document is passed over. Positions name the Chronicle
 * index of the document (in hex, as Chronicle's own tools print it) and the record's byte offset.
 */
public final class InputJournalReader implements AutoCloseable
{
    /** What {@link #next()} found. */
    public enum Status
    {
        /** A good record, the next in sequence. */
        RECORD,
        /** No more records (for now). */
        END,
        /** A record whose length or checksum is wrong. */
        BAD_RECORD,
        /** A good record whose sequence is not the next one. */
        GAP
    }

    private final ExcerptTailer tailer;
    private final CRC32C crc = new CRC32C();
    private final UnsafeBuffer document = new UnsafeBuffer(new byte[InputRecord.MAX_DOCUMENT_LENGTH]);
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private int documentLength;
    private int offset;
    private int recordOffset;
    private long documentIndex = -1;
    private long expectedSequence;
    private boolean skipToExpected;
    private long sequence;
    private long timestampMs;
    private int length;
    private String problem;

    /**
     * @param queue            the input journal.
     * @param expectedSequence the sequence the first record must have; 0 to take whatever comes first.
     */
    public InputJournalReader(final SingleChronicleQueue queue, final long expectedSequence)
    {
        this.tailer = queue.createTailer();
        this.expectedSequence = expectedSequence;
    }

    /**
     * Positions the reader at a document (a snapshot's last input is in it): its records before the
     * expected sequence are passed over.
     *
     * @return false if the document is not in the journal.
     */
    public boolean moveTo(final long chronicleIndex)
    {
        if (!tailer.moveToIndex(chronicleIndex))
        {
            return false;
        }
        documentLength = 0;
        offset = 0;
        skipToExpected = true;
        return true;
    }

    /** Positions the reader at the start of the journal, passing over records before the expected sequence. */
    public void moveToStart()
    {
        tailer.toStart();
        documentLength = 0;
        offset = 0;
        skipToExpected = true;
    }

    public Status next()
    {
        while (true)
        {
            if (offset >= documentLength && !readDocument())
            {
                return Status.END;
            }
            final Status status = readRecord();
            if (status == Status.RECORD && skipToExpected && sequence < expectedSequence)
            {
                continue; // at or before the snapshot's last input
            }
            skipToExpected = false;
            if (status == Status.RECORD && expectedSequence != 0 && sequence != expectedSequence)
            {
                problem = "sequence " + sequence + " where " + expectedSequence + " was expected";
                return Status.GAP;
            }
            if (status == Status.RECORD)
            {
                expectedSequence = sequence + 1;
            }
            return status;
        }
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
            final int available = (int)Math.min(bytes.readRemaining(), InputRecord.MAX_DOCUMENT_LENGTH + 1L);
            bytes.read(document.byteArray(), 0, Math.min(available, InputRecord.MAX_DOCUMENT_LENGTH));
            documentLength = available;
            offset = 0;
            return true;
        }
    }

    private Status readRecord()
    {
        recordOffset = offset;
        if (documentLength > InputRecord.MAX_DOCUMENT_LENGTH)
        {
            return bad("document longer than " + InputRecord.MAX_DOCUMENT_LENGTH + " bytes");
        }
        if (documentLength - offset < InputRecord.HEADER_LENGTH)
        {
            return bad((documentLength - offset) + " bytes left, shorter than a record header");
        }
        sequence = document.getLong(offset + InputRecord.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        timestampMs = document.getLong(offset + InputRecord.TIME_OFFSET, ByteOrder.LITTLE_ENDIAN);
        length = document.getInt(offset + InputRecord.LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int payloadOffset = offset + InputRecord.HEADER_LENGTH;
        if (length <= 0 || length > ProtocolLimits.MAX_INPUT_LENGTH || length > documentLength - payloadOffset)
        {
            return bad("record says " + length + " command bytes, the document holds " + (documentLength - payloadOffset));
        }
        crc.reset();
        crc.update(document.byteArray(), offset, InputRecord.CRC_OFFSET);
        crc.update(document.byteArray(), payloadOffset, length);
        if ((int)crc.getValue() != document.getInt(offset + InputRecord.CRC_OFFSET, ByteOrder.LITTLE_ENDIAN))
        {
            return bad("checksum mismatch (record claims sequence " + sequence + ")");
        }
        payload.wrap(document, payloadOffset, length);
        offset = payloadOffset + length;
        return Status.RECORD;
    }

    /**
     * Lets the engine prefetch what the next records of the current document will need
     * ({@link dev.flashsale.engine.Engine#prefetch}), without reading them: a replay touches a
     * group's customers together so their cache misses overlap, as the live engine stage does.
     *
     * @return the prefetched values' sum, for the caller to keep.
     */
    public long prefetchAhead(final dev.flashsale.engine.Engine engine, final int records)
    {
        long touched = 0;
        int at = offset;
        for (int i = 0; i < records && documentLength - at >= InputRecord.HEADER_LENGTH; i++)
        {
            final int recordLength = document.getInt(at + InputRecord.LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (recordLength <= 0 || recordLength > documentLength - at - InputRecord.HEADER_LENGTH)
            {
                break; // damaged: next() will say so
            }
            touched += engine.prefetch(document, at + InputRecord.HEADER_LENGTH, recordLength);
            at += InputRecord.HEADER_LENGTH + recordLength;
        }
        return touched;
    }

    private Status bad(final String what)
    {
        problem = what;
        offset = documentLength; // a bad record's length cannot be trusted: pass over the rest of its document
        return Status.BAD_RECORD;
    }

    /** @return the sequence of the last record read. */
    public long sequence()
    {
        return sequence;
    }

    /** @return the time stamped on the last record read. */
    public long timestampMs()
    {
        return timestampMs;
    }

    /** @return the command of the last record read, header included, at offset 0; valid until the next read. */
    public UnsafeBuffer payload()
    {
        return payload;
    }

    public int length()
    {
        return length;
    }

    /** @return the Chronicle index of the document of the last record read, or -1. */
    public long index()
    {
        return documentIndex;
    }

    /** @return where the last record read is, for messages. */
    public String position()
    {
        return "document 0x" + Long.toHexString(documentIndex) + " byte " + recordOffset;
    }

    /** @return what was wrong with the last record, for {@link Status#BAD_RECORD} and {@link Status#GAP}. */
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
