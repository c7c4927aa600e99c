package dev.flashsale.journal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Forces the queue file an appender writes to disk and reports a failure. Chronicle's own
 * {@code sync()} msyncs only the mapped chunk being written and, when msync fails, logs and returns
 * normally; a durability mode built on it could acknowledge inputs that never reached the disk.
 * {@link FileChannel#force} covers every dirty page of the file, mapped writes included (on Linux
 * msync is an fsync of the range), and throws on an I/O error. When the appender moves to a new
 * cycle file, the old one is forced once more and closed. Used on one thread.
 */
final class QueueFileSync implements AutoCloseable
{
    private File file;
    private FileChannel channel;

    /**
     * Forces {@code current} (the appender's {@code currentFile()}) and, if the appender has moved
     * on from the file forced last time, that file first.
     *
     * @throws JournalWriteException if the disk did not take the data.
     */
    void force(final File current)
    {
        try
        {
            if (current != file) // the store keeps one File per cycle: identity is the fast path
            {
                switchTo(current);
            }
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new JournalWriteException("cannot force " + current + " to disk: " + ex.getMessage() +
                "; stopped intake, the inputs of this batch were not decided", ex);
        }
    }

    private void switchTo(final File current) throws IOException
    {
        if (file != null && file.equals(current))
        {
            file = current;
            return;
        }
        final FileChannel previous = channel;
        if (previous != null)
        {
            try (previous)
            {
                previous.force(false);
            }
        }
        channel = null;
        file = null;
        channel = FileChannel.open(current.toPath(), StandardOpenOption.WRITE);
        file = current;
    }

    @Override
    public void close() throws IOException
    {
        if (channel != null)
        {
            try (FileChannel closing = channel)
            {
                closing.force(false);
            }
            finally
            {
                channel = null;
                file = null;
            }
        }
    }
}
