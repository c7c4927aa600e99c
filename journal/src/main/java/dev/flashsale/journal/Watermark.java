package dev.flashsale.journal;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * A high-water mark kept in a small memory-mapped file beside a queue: for the input journal, the
 * last input written; for the event journal, the last input whose events were all written.
 * Chronicle Queue does not notice a queue file cut short (a tailer just stops early and later
 * appends vanish), so recovery compares each journal with its mark and refuses one that ends
 * before it. The event mark also keeps the input of the last event written, so recovery tells
 * "no events since" from "events lost".
 *
 * <p>Layout: {@code long magic "FLSWMARK", long last sequence, long input of the last event (event
 * journal only; 0 = unknown)}, little-endian. Writers update it at the end of a batch, after the
 * batch was appended (and synced), with aligned 8-byte stores, so the mark never runs ahead of what
 * the journal holds.
 */
final class Watermark implements AutoCloseable
{
    private static final long MAGIC = 0x4B52414D57534C46L; // "FLSWMARK" little-endian
    private static final int SEQUENCE_OFFSET = 8;
    private static final int LAST_EVENT_INPUT_OFFSET = 16;
    private static final int SIZE = 4096;

    private final FileChannel channel;
    private final MappedByteBuffer map;

    private Watermark(final FileChannel channel, final MappedByteBuffer map)
    {
        this.channel = channel;
        this.map = map;
    }

    static Watermark open(final Path file)
    {
        try
        {
            final FileChannel channel = OwnerOnly.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
            try
            {
                final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
                map.order(ByteOrder.LITTLE_ENDIAN);
                if (map.getLong(0) == 0 && map.getLong(SEQUENCE_OFFSET) == 0)
                {
                    map.putLong(0, MAGIC);
                }
                else if (map.getLong(0) != MAGIC)
                {
                    throw new JournalException(file + " is not a flashsale watermark");
                }
                return new Watermark(channel, map);
            }
            catch (final IOException | RuntimeException ex)
            {
                channel.close();
                throw ex;
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot open " + file + ": " + ex, ex);
        }
    }

    long sequence()
    {
        return map.getLong(SEQUENCE_OFFSET);
    }

    void sequence(final long sequence)
    {
        map.putLong(SEQUENCE_OFFSET, sequence);
    }

    /** @return the input of the last event the event journal held at the last batch end (0: unknown). */
    long lastEventInput()
    {
        return map.getLong(LAST_EVENT_INPUT_OFFSET);
    }

    void lastEventInput(final long inputSequence)
    {
        map.putLong(LAST_EVENT_INPUT_OFFSET, inputSequence);
    }

    /**
     * Sets the mark and forgets the last event's input: only the repair tools do this, after they
     * moved a journal aside or rewrote it.
     */
    void reset(final long sequence)
    {
        sequence(sequence);
        lastEventInput(0);
        map.force();
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot close the watermark: " + ex, ex);
        }
    }
}
