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
 * sequence is exactly one more than the previous record's. One record at a time into reused
 * buffers; no allocation per record.
 *
 * <p>A record that fails a check is reported, not skipped: {@link #next()} answers
 * {@link Status#BAD_RECORD} (with {@link #problem()}) or {@link Status#GAP}, and the caller decides
 * (recovery tells a torn tail from damage in the middle by reading on). Positions are Chronicle
 * indexes, printed in hex as Chronicle's own tools do.
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
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[InputRecord.HEADER_LENGTH]);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private long expectedSequence;
    private long sequence;
    private long timestampMs;
    private int length;
    private long index = -1;
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
     * Positions the reader after a Chronicle index (from a snapshot), so the next record read is
     * the one after it.
     *
     * @return false if the index is not in the journal.
     */
    public boolean moveAfter(final long chronicleIndex)
    {
        if (!tailer.moveToIndex(chronicleIndex))
        {
            return false;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
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
            if (available < InputRecord.HEADER_LENGTH)
            {
                problem = "record of " + available + " bytes, shorter than a header";
                return Status.BAD_RECORD;
            }
            bytes.read(header.byteArray(), 0, InputRecord.HEADER_LENGTH);
            sequence = header.getLong(InputRecord.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
            timestampMs = header.getLong(InputRecord.TIME_OFFSET, ByteOrder.LITTLE_ENDIAN);
            length = header.getInt(InputRecord.LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (length <= 0 || length > ProtocolLimits.MAX_INPUT_LENGTH || length != available - InputRecord.HEADER_LENGTH)
            {
                problem = "record says " + length + " command bytes, holds " + (available - InputRecord.HEADER_LENGTH);
                return Status.BAD_RECORD;
            }
            bytes.read(payload.byteArray(), 0, length);
            if (InputRecord.checksum(crc, header.byteArray(), payload.byteArray(), length) !=
                InputRecord.storedChecksum(header))
            {
                problem = "checksum mismatch (record claims sequence " + sequence + ")";
                return Status.BAD_RECORD;
            }
            if (expectedSequence != 0 && sequence != expectedSequence)
            {
                problem = "sequence " + sequence + " where " + expectedSequence + " was expected";
                return Status.GAP;
            }
            expectedSequence = sequence + 1;
            return Status.RECORD;
        }
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

    /** @return the command of the last record read, header included, at offset 0. */
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

    /** @return the position of the last document read, for messages: Chronicle index in hex. */
    public String position()
    {
        return "index 0x" + Long.toHexString(index);
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
