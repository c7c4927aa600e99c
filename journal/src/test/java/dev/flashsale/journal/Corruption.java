package dev.flashsale.journal;

import dev.flashsale.engine.protocol.CommandWriter;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** Damages journals and snapshots the way disks and crashes do, for tests. */
public final class Corruption
{
    static final int TICK_LENGTH;
    private static final UnsafeBuffer TICK = new UnsafeBuffer(new byte[64]);

    static
    {
        TICK_LENGTH = new CommandWriter().tick(TICK, 0);
    }

    private Corruption()
    {
    }

    static UnsafeBuffer tick()
    {
        return TICK;
    }

    public static void flipByte(final Path file, final long position) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            final int value = raf.read();
            raf.seek(position);
            raf.write(value ^ 0x40);
        }
    }

    /** Flips a byte inside the command of the input journal record with this sequence. */
    public static void corruptInputRecord(final Path dataDirectory, final long sequence) throws IOException
    {
        final Path file = queueFiles(dataDirectory.resolve("inputs")).get(0);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
            map.order(ByteOrder.LITTLE_ENDIAN);
            final ByteBuffer needle = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, sequence);
            for (int i = 0; i + InputRecord.HEADER_LENGTH < map.limit(); i++)
            {
                // a record header: this sequence, then a plausible time and length
                if (map.getLong(i) == needle.getLong(0) && map.getLong(i + InputRecord.TIME_OFFSET) > 1_600_000_000_000L &&
                    map.getInt(i + InputRecord.LENGTH_OFFSET) > 0 && map.getInt(i + InputRecord.LENGTH_OFFSET) < 1024)
                {
                    final int at = i + InputRecord.HEADER_LENGTH + 2;
                    map.put(at, (byte)(map.get(at) ^ 0x40));
                    map.force();
                    return;
                }
            }
        }
        throw new IllegalStateException("record of input " + sequence + " not found in " + file);
    }

    /**
     * Appends a record that passes its checksum but carries {@code sequence}: what a foreign writer
     * or a bug, never a torn write, leaves.
     */
    public static void appendInputRecord(final Path dataDirectory, final long sequence)
    {
        final UnsafeBuffer header = new UnsafeBuffer(new byte[InputRecord.HEADER_LENGTH]);
        InputRecord.writeHeader(header, new CRC32C(), sequence, 1_700_000_000_000L, TICK.byteArray(), TICK_LENGTH);
        try (SingleChronicleQueue queue = JournalQueues.open(dataDirectory.resolve("inputs"));
             ExcerptAppender appender = queue.createAppender();
             DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(header.byteArray(), 0, InputRecord.HEADER_LENGTH);
            dc.wire().bytes().write(TICK.byteArray(), 0, TICK_LENGTH);
        }
    }

    /** Cuts every queue file of a journal down to {@code length} bytes, as a failing disk might. */
    public static void cutShort(final Path queue, final long length) throws IOException
    {
        for (final Path file : queueFiles(queue))
        {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
            {
                raf.setLength(length);
            }
        }
    }

    public static void deleteRecursively(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }

    private static List<Path> queueFiles(final Path queue) throws IOException
    {
        try (Stream<Path> files = Files.list(queue))
        {
            return files.filter(f -> f.toString().endsWith(".cq4")).sorted().toList();
        }
    }
}
