package dev.flashsale.journal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forces the queue file an appender writes to disk and reports a failure. Chronicle's own
 * {@code sync()} msyncs only the mapped chunk being written and, when msync fails, logs and returns
 * normally; a durability mode built on it could acknowledge inputs that never reached the disk.
 * {@link FileChannel#force} covers every dirty page of the file, mapped writes included (on Linux
 * msync is an fsync of the range), and throws on an I/O error. When the appender moves to a new
 * cycle file, the old one is forced once more and closed.
 *
 * <p>A file's data is not enough: the directory entry that names a new file is durable only once
 * the directory is forced. So the first time a file is forced (the queue's first file, the next
 * cycle's, or the current one after a start) its directory is forced too, and on the first file
 * after a start the directory above it, which names the queue directory. That is once a cycle and
 * once a start, never on a batch that stays in a file already forced. Used on one thread.
 */
final class QueueFileSync implements AutoCloseable
{
    private File file;
    private FileChannel channel;
    private long directoriesForced;

    /**
     * Forces {@code current} (the appender's {@code currentFile()}) and, if the appender has moved
     * on from the file forced last time, that file first and the directory after.
     *
     * @throws JournalWriteException if the disk did not take the data.
     */
    void force(final File current)
    {
        try
        {
            // the store keeps one File per cycle: identity is the fast path
            final boolean newFile = current != file && switchTo(current);
            channel.force(false);
            if (newFile)
            {
                final Path directory = current.toPath().toAbsolutePath().getParent();
                final boolean firstSinceStart = directoriesForced == 0;
                forceDirectory(directory);
                if (firstSinceStart)
                {
                    forceDirectory(directory.getParent());
                }
            }
        }
        catch (final IOException ex)
        {
            throw new JournalWriteException("cannot force " + current + " to disk: " + ex.getMessage() +
                "; stopped intake, the inputs of this batch were not decided", ex);
        }
    }

    /** @return true if {@code current} is another file than the one forced last time. */
    private boolean switchTo(final File current) throws IOException
    {
        if (file != null && file.equals(current))
        {
            file = current;
            return false;
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
        return true;
    }

    private void forceDirectory(final Path directory)
    {
        try (FileChannel entries = FileChannel.open(directory, StandardOpenOption.READ))
        {
            entries.force(true);
        }
        catch (final IOException ex)
        {
            throw new JournalWriteException("cannot force the directory " + directory + " to disk: " + ex.getMessage() +
                "; stopped intake, the inputs of this batch were not decided", ex);
        }
        directoriesForced++;
    }

    /** @return directories forced so far (tests: a new file's entry is made durable). */
    long directoriesForced()
    {
        return directoriesForced;
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
