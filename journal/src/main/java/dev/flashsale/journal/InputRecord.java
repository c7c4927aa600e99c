package dev.flashsale.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The layout of one input in the input journal. A Chronicle Queue document holds the records of one
 * journaller batch, back to back (a batch larger than {@link #MAX_DOCUMENT_LENGTH} spans several
 * documents): the engine only sees the journaller's progress at the end of a batch, so writing the
 * batch as one document costs no latency and spreads Chronicle's per-document work over the batch.
 *
 * <pre>
 *   0                   8                   16        20        24
 *   +-------------------+-------------------+---------+---------+---------------------+
 *   | input sequence    | engine time (ms)  | length  | CRC32C  | SBE command (length) |
 *   | int64             | int64, as stamped | int32   | int32   | header included      |
 *   +-------------------+-------------------+---------+---------+---------------------+
 * </pre>
 *
 * Little-endian. The CRC32C covers bytes 0..16 (sequence, time, length) and the command: Chronicle
 * Queue does not detect a torn or corrupt file, so every record carries its own checksum and
 * sequence, both checked on every read.
 */
public final class InputRecord
{
    public static final int SEQUENCE_OFFSET = 0;
    public static final int TIME_OFFSET = 8;
    public static final int LENGTH_OFFSET = 16;
    public static final int CRC_OFFSET = 20;
    public static final int HEADER_LENGTH = 24;
    /** Largest document the journaller writes: about 1,500 reserves. */
    public static final int MAX_DOCUMENT_LENGTH = 256 * 1024;

    private InputRecord()
    {
    }

    /**
     * Writes a record header into {@code header} (at least {@link #HEADER_LENGTH} bytes) for a
     * command held in {@code payload[0..length)}.
     */
    static void writeHeader(
        final UnsafeBuffer header,
        final CRC32C crc,
        final long inputSequence,
        final long timestampMs,
        final byte[] payload,
        final int length)
    {
        header.putLong(SEQUENCE_OFFSET, inputSequence, ByteOrder.LITTLE_ENDIAN);
        header.putLong(TIME_OFFSET, timestampMs, ByteOrder.LITTLE_ENDIAN);
        header.putInt(LENGTH_OFFSET, length, ByteOrder.LITTLE_ENDIAN);
        header.putInt(CRC_OFFSET, RecordReader.checksum(crc, header.byteArray(), 0, CRC_OFFSET, payload, 0, length),
            ByteOrder.LITTLE_ENDIAN);
    }
}
