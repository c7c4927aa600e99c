package dev.flashsale.read.feed;

import net.openhft.chronicle.map.ChronicleMap;

import java.nio.file.Path;

/**
 * An {@link EventFeed} whose position lives in the projection's own store, under a key no record
 * can have: opened where the store says, saved there after each batch, and the store cleared
 * when the journal no longer holds that position (rebuilt or truncated), so the projection
 * starts over. The one place the projections keep their place.
 *
 * <p>Threads: the journal's tailer is a single-threaded Chronicle object (with Chronicle's checks
 * on, as in production, a tailer touched by a second thread throws), so it is opened by the thread
 * that polls, on its first {@link #poll} or in {@link #openTailer}, and closed by it; any thread
 * reads {@link #position}.
 */
public final class ProjectionFeed<K> implements AutoCloseable
{
    private final Path dataDirectory;
    private final ChronicleMap<K, byte[]> store;
    private final K positionKey;
    private final int positionBytes;
    private final EventFeed.Handler handler;
    private final Runnable endOfBatch;
    private volatile EventPosition saved; // where the feed opens; after a close, where it stopped
    private volatile EventFeed feed;

    private ProjectionFeed(final Path dataDirectory, final ChronicleMap<K, byte[]> store, final K positionKey,
        final int positionBytes, final EventFeed.Handler handler, final Runnable endOfBatch)
    {
        this.dataDirectory = dataDirectory;
        this.store = store;
        this.positionKey = positionKey;
        this.positionBytes = positionBytes;
        this.handler = handler;
        this.endOfBatch = endOfBatch;
        this.saved = EventPosition.fromBytes(store.get(positionKey));
    }

    /**
     * Reads the saved position; the journal is opened later, by the polling thread.
     *
     * @param positionBytes the size the position is stored with (a map of constant-size values needs its size).
     * @param handler       applies each event to {@code store}.
     */
    public static <K> ProjectionFeed<K> open(final Path dataDirectory, final ChronicleMap<K, byte[]> store, final K positionKey,
        final int positionBytes, final EventFeed.Handler handler)
    {
        return new ProjectionFeed<>(dataDirectory, store, positionKey, positionBytes, handler, () -> { });
    }

    /**
     * As {@link #open(Path, ChronicleMap, Object, int, EventFeed.Handler)}, for a projection that
     * keeps a batch's changes and writes them at its end: {@code endOfBatch} runs after the last
     * event of each batch and before the position is saved, so the store never has a position
     * past changes it does not hold.
     */
    public static <K> ProjectionFeed<K> open(final Path dataDirectory, final ChronicleMap<K, byte[]> store, final K positionKey,
        final int positionBytes, final EventFeed.Handler handler, final Runnable endOfBatch)
    {
        return new ProjectionFeed<>(dataDirectory, store, positionKey, positionBytes, handler, endOfBatch);
    }

    /**
     * Opens the event journal on the calling thread, the one that polls, just after the saved
     * position (clearing the store if the journal no longer holds it). Does nothing if open.
     *
     * @throws dev.flashsale.journal.JournalException if the data directory or its event journal cannot be read.
     */
    public void openTailer()
    {
        if (feed != null)
        {
            return;
        }
        final EventFeed opened = new EventFeed(dataDirectory, saved);
        if (opened.rewritten())
        {
            store.clear(); // the journal's positions name other events now: project it again
        }
        feed = opened;
    }

    /**
     * Applies up to {@code limit} new events, then saves the position. The first call opens the
     * journal on the calling thread unless {@link #openTailer} did.
     *
     * @return events read (applied or skipped as already applied); 0 at the end of the journal for now.
     */
    public int poll(final int limit)
    {
        openTailer();
        final int read = feed.poll(handler, limit);
        if (read > 0)
        {
            endOfBatch.run();
            save(feed.position());
        }
        return read;
    }

    /** Overwrites the saved position (tests: a crash between applying events and saving the position). */
    public void save(final EventPosition position)
    {
        store.put(positionKey, position.toBytes(positionBytes));
    }

    /** @return the last event applied, or the saved position until the journal is opened. */
    public EventPosition position()
    {
        final EventFeed current = feed;
        return current == null ? saved : current.position();
    }

    /**
     * Closes the journal's tailer, if open; call on the thread that polled. {@link #position}
     * keeps answering where the feed stopped, and the feed opens there again if polled.
     */
    @Override
    public void close()
    {
        final EventFeed current = feed;
        if (current != null)
        {
            saved = current.position();
            feed = null;
            current.close();
        }
    }
}
