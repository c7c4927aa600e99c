package dev.flashsale.journal;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.protocol.ProtocolLimits;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.ByteOrder;

/**
 * Reads the input journal in order and checks every record: its length, its checksum and that its
 * sequence is exactly one more than the previous record's. A document is one journaller batch; no
 * allocation per record ({@link RecordReader}).
 *
 * <p>A record that fails a check is reported, not skipped: {@link #next()} answers
 * {@link Status#BAD_RECORD} (with {@link #problem()}) or {@link Status#GAP}, and the caller decides
 * (recovery tells a torn tail from damage in the middle by reading on).
 */
public final class InputJournalReader extends RecordReader
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

    private long expectedSequence;
    private boolean skipToExpected;
    private long sequence;
    private long timestampMs;

    /**
     * @param queue            the input journal.
     * @param expectedSequence the sequence the first record must have; 0 to take whatever comes first.
     */
    public InputJournalReader(final SingleChronicleQueue queue, final long expectedSequence)
    {
        super(queue, InputRecord.MAX_DOCUMENT_LENGTH, InputRecord.HEADER_LENGTH, ProtocolLimits.MAX_INPUT_LENGTH, "command");
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
        if (!tailer().moveToIndex(chronicleIndex))
        {
            return false;
        }
        forgetDocument();
        skipToExpected = true;
        return true;
    }

    /** Positions the reader at the start of the journal, passing over records before the expected sequence. */
    public void moveToStart()
    {
        tailer().toStart();
        forgetDocument();
        skipToExpected = true;
    }

    public Status next()
    {
        while (true)
        {
            if (!hasBytesOrNextDocument())
            {
                return Status.END;
            }
            if (!readRecord())
            {
                skipToExpected = false;
                return Status.BAD_RECORD;
            }
            sequence = document().getLong(recordOffset() + InputRecord.SEQUENCE_OFFSET, ByteOrder.LITTLE_ENDIAN);
            timestampMs = document().getLong(recordOffset() + InputRecord.TIME_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (skipToExpected && sequence < expectedSequence)
            {
                continue; // at or before the snapshot's last input
            }
            skipToExpected = false;
            if (expectedSequence != 0 && sequence != expectedSequence)
            {
                problem("sequence " + sequence + " where " + expectedSequence + " was expected");
                expectedSequence = sequence + 1; // a reader that reads on reports each gap once
                return Status.GAP;
            }
            expectedSequence = sequence + 1;
            return Status.RECORD;
        }
    }

    /**
     * Lets the engine prefetch what the next records of the current document will need
     * ({@link Engine#prefetch}), without reading them: a replay touches a
     * group's customers together so their cache misses overlap, as the live engine stage does.
     *
     * @return the prefetched values' sum, for the caller to keep.
     */
    public long prefetchAhead(final Engine engine, final int records)
    {
        long touched = 0;
        int at = offset();
        final int end = documentLength();
        for (int i = 0; i < records && end - at >= InputRecord.HEADER_LENGTH; i++)
        {
            final int recordLength = document().getInt(at + InputRecord.LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            if (recordLength <= 0 || recordLength > end - at - InputRecord.HEADER_LENGTH)
            {
                break; // damaged: next() will say so
            }
            touched += engine.prefetch(document(), at + InputRecord.HEADER_LENGTH, recordLength);
            at += InputRecord.HEADER_LENGTH + recordLength;
        }
        return touched;
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
}
