package dev.flashsale.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32C;

/**
 * Appends events to the event journal, numbering each input's events from 0. Used by the live
 * {@link EventWriter} stage and by recovery when it regenerates events the journal lacks. One
 * thread at a time.
 */
final class EventAppender implements AutoCloseable
{
    private final ExcerptAppender appender;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[EventRecord.HEADER_LENGTH]);
    private final CRC32C crc = new CRC32C();
    private long inputSequence;
    private int nextIndex;

    EventAppender(final ExcerptAppender appender)
    {
        this.appender = appender;
    }

    /** Continues after the journal's last event: {@code (inputSequence, index)}, or (0, -1) if empty. */
    void continueAfter(final long lastInputSequence, final int lastIndex)
    {
        inputSequence = lastInputSequence;
        nextIndex = lastIndex + 1;
    }

    void append(final long eventInputSequence, final byte[] event, final int length)
    {
        if (eventInputSequence != inputSequence)
        {
            if (eventInputSequence < inputSequence)
            {
                throw new IllegalStateException("event of input " + eventInputSequence + " after input " + inputSequence);
            }
            inputSequence = eventInputSequence;
            nextIndex = 0;
        }
        EventRecord.writeHeader(header, crc, inputSequence, nextIndex++, event, length);
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(header.byteArray(), 0, EventRecord.HEADER_LENGTH);
            bytes.write(event, 0, length);
        }
    }

    @Override
    public void close()
    {
        appender.close();
    }
}
