package dev.flashsale.journal;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

import java.nio.file.Path;

/**
 * Access to a data directory's journals for the {@code flashsale journal} tools, which live in
 * their own package: opening the queues, the watermarks, event regeneration and rewriting. Everything
 * here reads; {@link #rewrite} and {@link #eventAppender} write, and the tools call them only while
 * holding the node lock.
 */
public final class JournalFiles
{
    private JournalFiles()
    {
    }

    public static SingleChronicleQueue openInputs(final DataDirectory directory, final boolean writable)
    {
        return writable ? JournalQueues.open(directory.inputs()) : JournalQueues.openReadOnly(directory.inputs());
    }

    public static SingleChronicleQueue openEvents(final DataDirectory directory, final boolean writable)
    {
        return writable ? JournalQueues.open(directory.events()) : JournalQueues.openReadOnly(directory.events());
    }

    public static SingleChronicleQueue openQueue(final Path directory)
    {
        return JournalQueues.open(directory);
    }

    public static long watermark(final Path file)
    {
        try (Watermark watermark = Watermark.open(file))
        {
            return watermark.sequence();
        }
    }

    public static void setWatermark(final Path file, final long sequence)
    {
        try (Watermark watermark = Watermark.open(file))
        {
            watermark.reset(sequence);
        }
    }

    /** An appender of events for a tool rebuilding the event journal; close it to write what it gathered. */
    public static EventSink eventAppender(final SingleChronicleQueue events)
    {
        final EventAppender appender = new EventAppender(events.createAppender());
        return new EventSink()
        {
            @Override
            public void append(final long inputSequence, final byte[] event, final int length)
            {
                appender.append(inputSequence, event, length);
            }

            @Override
            public void close()
            {
                appender.close();
            }
        };
    }

    /** Appends events, numbering each input's events from 0. */
    public interface EventSink extends AutoCloseable
    {
        void append(long inputSequence, byte[] event, int length);

        @Override
        void close();
    }

    /**
     * Copies the good input records up to {@code afterSequence} into a new queue at {@code target},
     * batching them into documents as the journaller does.
     *
     * @return the last sequence copied.
     */
    public static long rewrite(final SingleChronicleQueue source, final Path target, final long afterSequence)
    {
        long last = 0;
        try (SingleChronicleQueue copy = JournalQueues.open(target);
             net.openhft.chronicle.queue.ExcerptAppender appender = copy.createAppender();
             InputJournalReader reader = new InputJournalReader(source, 1))
        {
            final org.agrona.concurrent.UnsafeBuffer document =
                new org.agrona.concurrent.UnsafeBuffer(new byte[InputRecord.MAX_DOCUMENT_LENGTH]);
            final org.agrona.concurrent.UnsafeBuffer header =
                new org.agrona.concurrent.UnsafeBuffer(new byte[InputRecord.HEADER_LENGTH]);
            final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            final byte[] command = new byte[dev.flashsale.engine.protocol.ProtocolLimits.MAX_INPUT_LENGTH];
            int length = 0;
            while (reader.next() == InputJournalReader.Status.RECORD && reader.sequence() <= afterSequence)
            {
                final int recordLength = InputRecord.HEADER_LENGTH + reader.length();
                if (length + recordLength > InputRecord.MAX_DOCUMENT_LENGTH)
                {
                    writeDocument(appender, document, length);
                    length = 0;
                }
                reader.payload().getBytes(0, command, 0, reader.length());
                InputRecord.writeHeader(header, crc, reader.sequence(), reader.timestampMs(), command, reader.length());
                document.putBytes(length, header, 0, InputRecord.HEADER_LENGTH);
                document.putBytes(length + InputRecord.HEADER_LENGTH, command, 0, reader.length());
                length += recordLength;
                last = reader.sequence();
            }
            writeDocument(appender, document, length);
        }
        return last;
    }

    private static void writeDocument(
        final net.openhft.chronicle.queue.ExcerptAppender appender,
        final org.agrona.concurrent.UnsafeBuffer document,
        final int length)
    {
        if (length > 0)
        {
            try (net.openhft.chronicle.wire.DocumentContext dc = appender.writingDocument())
            {
                dc.wire().bytes().write(document.byteArray(), 0, length);
            }
        }
    }
}
