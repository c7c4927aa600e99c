package dev.flashsale.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the pages a journal writer is about to write into the page cache, on a thread of its own
 * ({@code flashsale-page-warmer}), so that the writer (on the request path) does not fault them in.
 *
 * <p>Why: a queue file is sparse ahead of its writer. The writer's first store to a page there is a
 * page fault that allocates the page cache for the hole and zeroes it, and on Linux 6 with large
 * folios one fault reads ahead and zeroes a whole folio, up to 2 MiB: on the dev VM, where fresh
 * memory is slow to touch, that was a stall of 15 to 21 ms on the event loop per 2 MiB
 * written, every second or so at 5,000 requests a second (docs/BENCHMARKS.md, "Page faults on the
 * journals"). Reading the same range first with {@code pread} does that work here instead; the
 * writer's store then finds the page cached and only marks it dirty. What is read is discarded: the
 * files are never written here, and the bytes ahead of the writer are zeros anyway.
 *
 * <p>Each writer reports, after each document it appended, its file and the end of what it wrote
 * ({@link Track#wrote}: two volatile writes and a volatile read). The warmer keeps
 * {@code aheadBytes} cached past that end (clipped to the file's length, which Chronicle extends
 * in blocks ahead of the writer), and sleeps until a writer is within half of that of its lead
 * (the writer unparks it then: once per half window, not once per batch) or a second has passed.
 * A lead that ends at the file's end, or a file it cannot read, wakes nobody: the warmer looks again
 * on its own each second. Ahead of a writer that rolled to a new file it starts again at the new
 * file's write position.
 *
 * <p>A warmer is an optimization: a file it cannot read is logged once and skipped; the writer then
 * faults its pages in itself, as without a warmer.
 */
public final class PageWarmer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(PageWarmer.class);
    /** The bytes one read brings in. */
    private static final int READ_BYTES = 1 << 20;
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A warmer of nothing, for writers no warmer follows. */
    private static final PageWarmer NONE = new PageWarmer(0);

    private final long aheadBytes;
    private final CopyOnWriteArrayList<Track> tracks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final Object lifecycle = new Object();
    private volatile Thread thread; // read by the writers when they wake it
    private volatile boolean closed;
    private volatile long passes; // written by the warmer's thread only

    /** @param aheadBytes bytes to keep cached past each writer's last write; 0 = none (the warmer does nothing). */
    public PageWarmer(final long aheadBytes)
    {
        if (aheadBytes < 0)
        {
            throw new IllegalArgumentException("aheadBytes must be >= 0: " + aheadBytes);
        }
        this.aheadBytes = aheadBytes;
    }

    /** @return a track that warms nothing, for a writer no warmer follows. */
    static Track untracked()
    {
        return NONE.track("untracked");
    }

    /** @return a track for one writer, named for the metrics and the log; the warmer's thread starts with the first. */
    public Track track(final String name)
    {
        final Track track = new Track(name);
        if (aheadBytes > 0)
        {
            synchronized (lifecycle)
            {
                if (!closed)
                {
                    tracks.add(track);
                    if (thread == null)
                    {
                        thread = new Thread(this::run, "flashsale-page-warmer");
                        thread.setDaemon(true);
                        thread.start();
                    }
                }
            }
        }
        return track;
    }

    /** @return the passes the warmer's thread made over the tracks so far (tests: how often it was woken). */
    long passes()
    {
        return passes;
    }

    /** Stops the thread and closes the files it read. Idempotent. */
    @Override
    public void close()
    {
        final Thread stopping;
        synchronized (lifecycle)
        {
            closed = true;
            stopping = thread;
        }
        if (stopping != null)
        {
            LockSupport.unpark(stopping);
            try
            {
                stopping.join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
        try
        {
            while (!closed)
            {
                passes++;
                wanted.set(false);
                for (final Track track : tracks)
                {
                    track.warm(buffer);
                }
                if (!wanted.get() && !closed)
                {
                    LockSupport.parkNanos(this, MAX_SLEEP_NANOS);
                }
            }
        }
        finally
        {
            for (final Track track : tracks)
            {
                track.closeChannel();
            }
        }
    }

    /** One writer's place in its file: written by the writer's thread, read by the warmer's. */
    public final class Track
    {
        private final String name;
        private volatile File file;
        private volatile long written;
        /** How far the warmer has read {@link #file}: from any thread (the metrics). */
        private volatile long warmedTo;
        /**
         * The write position past which the writer wakes the warmer: half a window before the end of its
         * lead; never while the lead ends at the file's end (the warmer looks again within a second, when
         * Chronicle may have extended the file) or the file cannot be read. So a writer never wakes a
         * warmer that has nothing to do, however long the window.
         */
        private volatile long wakeAt;
        // the warmer's thread only
        private File open;
        private FileChannel channel;
        private File failed;
        private long lastEnd;

        private Track(final String name)
        {
            this.name = name;
        }

        /**
         * The writer, after a document it appended: its file and the end of what it wrote there.
         * Wakes the warmer when it is within half the window of its lead (or on a new file).
         */
        public void wrote(final File file, final long end)
        {
            if (aheadBytes == 0)
            {
                return;
            }
            final boolean newFile = file != this.file;
            written = end; // before the file: a warmer that sees a new file sees its end
            if (newFile)
            {
                this.file = file;
            }
            if ((newFile || end >= wakeAt) && !wanted.get() && wanted.compareAndSet(false, true))
            {
                final Thread warmer = thread;
                if (warmer != null)
                {
                    LockSupport.unpark(warmer);
                }
            }
        }

        /** @return bytes of the writer's file cached past its last write: 0 when the warmer is behind, or off. */
        public long aheadBytes()
        {
            return Math.max(0, warmedTo - written);
        }

        public String name()
        {
            return name;
        }

        /** @return the end of the writer's last write in its file (tests). */
        long writtenTo()
        {
            return written;
        }

        /** @return the name of the writer's file, or null before its first write (tests). */
        String fileName()
        {
            final File current = file;
            return current == null ? null : current.getName();
        }

        /** On the warmer's thread: reads from the writer's end (or where it read up to) to the window's end. */
        private void warm(final ByteBuffer buffer)
        {
            final File current = file;
            if (current == null || current.equals(failed))
            {
                return;
            }
            final long end = written;
            if (current.equals(open) && end < lastEnd)
            {
                // the writer's end in a newer file, read with the old file: a roll under way; the next write wakes us
                wakeAt = 0;
                return;
            }
            lastEnd = end;
            try
            {
                if (!current.equals(open))
                {
                    closeChannel();
                    channel = FileChannel.open(current.toPath(), StandardOpenOption.READ);
                    open = current;
                    warmedTo = end;
                }
                final long window = end + aheadBytes;
                final long limit = Math.min(window, channel.size());
                long at = Math.max(warmedTo, end);
                while (at < limit && !closed)
                {
                    buffer.clear().limit((int)Math.min(READ_BYTES, limit - at));
                    final int read = channel.read(buffer, at);
                    if (read <= 0)
                    {
                        break;
                    }
                    at += read;
                    warmedTo = at;
                }
                wakeAt = at >= window ? at - aheadBytes / 2 : Long.MAX_VALUE;
            }
            catch (final IOException ex)
            {
                wakeAt = Long.MAX_VALUE;
                failed = current;
                closeChannel();
                LOG.warn("cannot read {} ahead of its writer ({}): the writer faults its pages in itself", current, name, ex);
            }
        }

        private void closeChannel()
        {
            if (channel != null)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ex)
                {
                    LOG.debug("closing {}", open, ex);
                }
                channel = null;
                open = null;
            }
        }
    }
}
