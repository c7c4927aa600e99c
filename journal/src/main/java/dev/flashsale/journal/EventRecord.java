package dev.flashsale.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The layout of one output event in the event journal. A Chronicle Queue document holds the events
 * of one event-writer batch back to back (at most {@link #MAX_DOCUMENT_LENGTH} bytes).
 *
 * <pre>
 *   0                   8         12        16        20
 *   +-------------------+---------+---------+---------+---------------------+
 *   | input sequence    | index   | length  | CRC32C  | SBE event (length)  |
 *   | int64             | int32   | int32   | int32   | header included     |
 *   +-------------------+---------+---------+---------+---------------------+
 * </pre>
 *
 * {@code (input sequence, index)} is the event's position: the input that caused it and its place
 * among that input's events, from 0. Positions increase strictly through the journal, so a reader
 * that stores the last position it applied resumes exactly there. The CRC32C covers bytes 0..16
 * and the event. Results are not journaled: they are answers, and replay recomputes them.
 */
public final class EventRecord
{
    public static final int SEQUENCE_OFFSET = 0;
    public static final int INDEX_OFFSET = 8;
    public static final int LENGTH_OFFSET = 12;
    public static final int CRC_OFFSET = 16;
    public static final int HEADER_LENGTH = 20;
    /** Largest document the event writer writes. */
    public static final int MAX_DOCUMENT_LENGTH = 256 * 1024;

    private EventRecord()
    {
    }

    static void writeHeader(
        final UnsafeBuffer header,
        final CRC32C crc,
        final long inputSequence,
        final int index,
        final byte[] payload,
        final int length)
    {
        header.putLong(SEQUENCE_OFFSET, inputSequence, ByteOrder.LITTLE_ENDIAN);
        header.putInt(INDEX_OFFSET, index, ByteOrder.LITTLE_ENDIAN);
        header.putInt(LENGTH_OFFSET, length, ByteOrder.LITTLE_ENDIAN);
        header.putInt(CRC_OFFSET, RecordReader.checksum(crc, header.byteArray(), 0, CRC_OFFSET, payload, 0, length),
            ByteOrder.LITTLE_ENDIAN);
    }
}
