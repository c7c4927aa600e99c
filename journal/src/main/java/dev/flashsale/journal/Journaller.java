package dev.flashsale.journal;

import dev.flashsale.engine.pipeline.InputSlot;
import dev.flashsale.engine.pipeline.InputStage;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The input stage that makes inputs durable before the engine decides them: gathers the batch's
 * inputs ({@link InputRecord}) and, at the end of the batch, appends them to the input journal as
 * one document and forces it to disk if {@code journal.sync=batch} ({@link QueueFileSync}). The pipeline gates the engine on this
 * stage, and a stage's progress becomes visible only after its batch returns, so the engine never
 * sees an input this stage has not written (and, with sync, synced).
 *
 * <p>Failures stop intake rather than lose inputs: any exception from the queue stops the pipeline.
 * Two failures Chronicle does not report are checked at batch ends, at most every
 * {@code journal.check-interval-ms}: the journal directory removed under the writer (appends would
 * go to an unlinked file) and free disk space below {@code journal.min-free-bytes} (a mapped write
 * to a full disk kills the JVM).
 */
public final class Journaller implements InputStage
{
    private final SingleChronicleQueue queue;
    private final Watermark watermark;
    private final Path directory;
    private final boolean sync;
    private final long minFreeBytes;
    private final long checkIntervalNs;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[InputRecord.HEADER_LENGTH]);
    private final UnsafeBuffer document = new UnsafeBuffer(new byte[InputRecord.MAX_DOCUMENT_LENGTH]);
    private final CRC32C crc = new CRC32C();
    private final QueueFileSync fileSync = new QueueFileSync();
    private final JournalDoorbell appended;
    private final PageWarmer.Track warmed;
    private int documentLength;
    private ExcerptAppender appender;
    private FileStore fileStore;
    private long nextCheckNs;
    private long lastSequence;
    private volatile long forces; // written on the journaller's thread only, read by the metrics
    private volatile long forceNanos;

    Journaller(
        final SingleChronicleQueue queue,
        final Watermark watermark,
        final Path directory,
        final boolean sync,
        final long minFreeBytes,
        final long checkIntervalMs,
        final JournalDoorbell appended,
        final PageWarmer.Track warmed)
    {
        this.queue = queue;
        this.watermark = watermark;
        this.directory = directory;
        this.sync = sync;
        this.minFreeBytes = minFreeBytes;
        this.checkIntervalNs = checkIntervalMs * 1_000_000L;
        this.appended = appended;
        this.warmed = warmed;
    }

    @Override
    public String name()
    {
        return "journaller";
    }

    @Override
    public void onStart()
    {
        appender = queue.createAppender(); // appenders belong to the thread that uses them
        try
        {
            fileStore = Files.getFileStore(directory); // once: looking it up reads /proc/mounts
        }
        catch (final IOException ex)
        {
            throw new JournalWriteException("cannot find the file system of " + directory + ": " + ex.getMessage(), ex);
        }
        checkDirectory();
        nextCheckNs = System.nanoTime() + checkIntervalNs;
    }

    @Override
    public void onSlot(final InputSlot slot, final boolean endOfBatch)
    {
        final byte[] command = slot.byteArray();
        final int recordLength = InputRecord.HEADER_LENGTH + slot.length();
        if (documentLength + recordLength > InputRecord.MAX_DOCUMENT_LENGTH)
        {
            appendDocument();
        }
        InputRecord.writeHeader(header, crc, slot.inputSequence(), slot.timestampMs(), command, slot.length());
        document.putBytes(documentLength, header, 0, InputRecord.HEADER_LENGTH);
        document.putBytes(documentLength + InputRecord.HEADER_LENGTH, command, 0, slot.length());
        documentLength += recordLength;
        lastSequence = slot.inputSequence();
        if (endOfBatch)
        {
            appendDocument();
            if (sync)
            {
                final long startNs = System.nanoTime();
                fileSync.force(appender.currentFile());
                forceNanos += System.nanoTime() - startNs; // one writer: a read-modify-write of a volatile is safe here
                forces++;
            }
            watermark.sequence(lastSequence);
            appended.ring();
            final long now = System.nanoTime();
            if (now - nextCheckNs >= 0)
            {
                checkDirectory();
                nextCheckNs = now + checkIntervalNs;
            }
        }
    }

    /**
     * @return the input journal index of the document holding the last input this journaller wrote, or
     *     -1 if it wrote none since it started. On the journaller's thread.
     */
    public long lastIndex()
    {
        return lastSequence == 0 || appender == null ? -1 : appender.lastIndexAppended();
    }

    /** @return batches forced to disk ({@code journal.sync=batch}) since start; from any thread. */
    public long forces()
    {
        return forces;
    }

    /** @return time spent forcing those batches to disk, in nanoseconds; from any thread. */
    public long forceNanos()
    {
        return forceNanos;
    }

    /** @return directories the journaller forced to make a new queue file's entry durable (tests). */
    long directoriesForced()
    {
        return fileSync.directoriesForced();
    }

    private void appendDocument()
    {
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

    @Override
    public void onShutdown()
    {
        if (appender != null)
        {
            try (QueueFileSync closing = fileSync)
            {
                if (sync)
                {
                    closing.force(appender.currentFile());
                }
            }
            catch (final IOException ex)
            {
                throw new JournalWriteException("cannot close " + appender.currentFile() + ": " + ex.getMessage(), ex);
            }
            finally
            {
                appender.close();
            }
        }
    }

    private void checkDirectory()
    {
        if (!Files.isDirectory(directory))
        {
            throw new JournalWriteException("input journal directory " + directory + " is gone: stopped intake so no" +
                " input is written to a deleted file");
        }
        try
        {
            final long free = fileStore.getUsableSpace();
            if (free < minFreeBytes)
            {
                throw new JournalWriteException("only " + (free >> 20) + " MB free for the input journal in " + directory +
                    " (journal.min-free-bytes is " + (minFreeBytes >> 20) + " MB): stopped intake before the disk fills");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read free space of " + directory, ex);
        }
    }
}
