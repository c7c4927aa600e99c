package dev.flashsale.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32C;

/**
 * Appends events to the event journal, numbering each input's events from 0, gathering them into
 * a document that {@link #flush()} writes (and that is written early when full). Used by the live
 * {@link EventWriter} stage and by recovery when it regenerates events the journal lacks. One
 * thread at a time.
 */
final class EventAppender implements AutoCloseable
{
    private final ExcerptAppender appender;
    private final PageWarmer.Track warmed;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[EventRecord.HEADER_LENGTH]);
    private final UnsafeBuffer document = new UnsafeBuffer(new byte[EventRecord.MAX_DOCUMENT_LENGTH]);
    private final CRC32C crc = new CRC32C();
    private int documentLength;
    private long inputSequence;
    private int nextIndex;

    /** An appender whose writes no {@link PageWarmer} follows (recovery, tools). */
    EventAppender(final ExcerptAppender appender)
    {
        this(appender, PageWarmer.untracked());
    }

    EventAppender(final ExcerptAppender appender, final PageWarmer.Track warmed)
    {
        this.appender = appender;
        this.warmed = warmed;
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
        final int recordLength = EventRecord.HEADER_LENGTH + length;
        if (documentLength + recordLength > EventRecord.MAX_DOCUMENT_LENGTH)
        {
            flush();
        }
        EventRecord.writeHeader(header, crc, inputSequence, nextIndex++, event, length);
        document.putBytes(documentLength, header, 0, EventRecord.HEADER_LENGTH);
        document.putBytes(documentLength + EventRecord.HEADER_LENGTH, event, 0, length);
        documentLength += recordLength;
    }

    /** Writes the gathered events as one document. */
    void flush()
    {
        if (documentLength == 0)
        {
            return;
        }
        final long end;
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(document.byteArray(), 0, documentLength);
            end = bytes.writePosition();
        }
        documentLength = 0;
        warmed.wrote(appender.currentFile(), end);
    }

    /** @return the input of the last event appended (0 if none yet). */
    long inputSequence()
    {
        return inputSequence;
    }

    /** @return the index of the last event appended within its input (-1 if none). */
    int lastIndex()
    {
        return nextIndex - 1;
    }

    @Override
    public void close()
    {
        flush();
        appender.close();
    }
}
