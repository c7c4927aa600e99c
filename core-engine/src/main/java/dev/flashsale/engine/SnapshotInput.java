package dev.flashsale.engine;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads a snapshot's big-endian values from its own 64 KiB buffer and keeps the CRC32C of every
 * byte consumed, folding whole stretches of the buffer into the checksum at once. A restore reads
 * tens of millions of values; {@link java.io.DataInputStream} over a
 * {@link java.util.zip.CheckedInputStream} updated the checksum one byte at a time and made
 * restoring slower than replaying.
 */
final class SnapshotInput
{
    private static final int BUFFER_BYTES = 1 << 16;

    private final InputStream in;
    private final byte[] bytes = new byte[BUFFER_BYTES];
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
    private final CRC32C crc = new CRC32C();
    private int position;
    private int limit;
    private int checkedUpTo;

    SnapshotInput(final InputStream in)
    {
        this.in = in;
    }

    long readLong() throws IOException
    {
        ensure(Long.BYTES);
        final long value = buffer.getLong(position, ByteOrder.BIG_ENDIAN);
        position += Long.BYTES;
        return value;
    }

    int readInt() throws IOException
    {
        ensure(Integer.BYTES);
        final int value = buffer.getInt(position, ByteOrder.BIG_ENDIAN);
        position += Integer.BYTES;
        return value;
    }

    byte readByte() throws IOException
    {
        ensure(Byte.BYTES);
        return bytes[position++];
    }

    /** @return the CRC32C of every byte read so far. */
    int checksum()
    {
        crc.update(bytes, checkedUpTo, position - checkedUpTo);
        checkedUpTo = position;
        return (int)crc.getValue();
    }

    private void ensure(final int count) throws IOException
    {
        if (limit - position >= count)
        {
            return;
        }
        checksum();
        final int left = limit - position;
        System.arraycopy(bytes, position, bytes, 0, left);
        position = 0;
        checkedUpTo = 0;
        limit = left;
        while (limit < count)
        {
            final int read = in.read(bytes, limit, bytes.length - limit);
            if (read < 0)
            {
                throw new EOFException();
            }
            limit += read;
        }
    }
}
