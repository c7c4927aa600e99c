package dev.flashsale.engine;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Writes a snapshot's big-endian values through its own 64 KiB buffer and keeps the CRC32C of
 * every byte written, updated a buffer at a time (the counterpart of {@link SnapshotInput}).
 */
final class SnapshotOutput
{
    private static final int BUFFER_BYTES = 1 << 16;

    private final OutputStream out;
    private final byte[] bytes = new byte[BUFFER_BYTES];
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
    private final CRC32C crc = new CRC32C();
    private int position;
    private int checkedUpTo;

    SnapshotOutput(final OutputStream out)
    {
        this.out = out;
    }

    void writeLong(final long value) throws IOException
    {
        ensure(Long.BYTES);
        buffer.putLong(position, value, ByteOrder.BIG_ENDIAN);
        position += Long.BYTES;
    }

    void writeInt(final int value) throws IOException
    {
        ensure(Integer.BYTES);
        buffer.putInt(position, value, ByteOrder.BIG_ENDIAN);
        position += Integer.BYTES;
    }

    void writeByte(final int value) throws IOException
    {
        ensure(Byte.BYTES);
        bytes[position++] = (byte)value;
    }

    /** @return the CRC32C of every byte written so far. */
    int checksum()
    {
        crc.update(bytes, checkedUpTo, position - checkedUpTo);
        checkedUpTo = position;
        return (int)crc.getValue();
    }

    /** Writes out what is buffered and flushes the stream. */
    void flush() throws IOException
    {
        drain();
        out.flush();
    }

    private void ensure(final int count) throws IOException
    {
        if (bytes.length - position < count)
        {
            drain();
        }
    }

    private void drain() throws IOException
    {
        checksum();
        out.write(bytes, 0, position);
        position = 0;
        checkedUpTo = 0;
    }
}
