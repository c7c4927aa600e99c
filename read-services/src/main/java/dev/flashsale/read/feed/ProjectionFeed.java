package dev.flashsale.read.feed;

import net.openhft.chronicle.map.ChronicleMap;

import java.nio.file.Path;

/**
 * An {@link EventFeed} whose position lives in the projection's own store, under a key no record
 * can have: opened where the store says, saved there after each batch, and the store cleared
 * when the journal no longer holds that position (rebuilt or truncated), so the projection
 * starts over. The one place the projections keep their place.
 */
public final class ProjectionFeed<K> implements AutoCloseable
{
    private final EventFeed feed;
    private final ChronicleMap<K, byte[]> store;
    private final K positionKey;
    private final int positionBytes;
    private final EventFeed.Handler handler;

    private ProjectionFeed(final EventFeed feed, final ChronicleMap<K, byte[]> store, final K positionKey,
        final int positionBytes, final EventFeed.Handler handler)
    {
        this.feed = feed;
        this.store = store;
        this.positionKey = positionKey;
        this.positionBytes = positionBytes;
        this.handler = handler;
    }

    /**
     * @param positionBytes the size the position is stored with (a map of constant-size values needs its size).
     * @param handler       applies each event to {@code store}.
     */
    public static <K> ProjectionFeed<K> open(final Path dataDirectory, final ChronicleMap<K, byte[]> store, final K positionKey,
        final int positionBytes, final EventFeed.Handler handler)
    {
        final EventFeed feed = new EventFeed(dataDirectory, EventPosition.fromBytes(store.get(positionKey)));
        if (feed.rewritten())
        {
            store.clear(); // the journal's positions name other events now: project it again
        }
        return new ProjectionFeed<>(feed, store, positionKey, positionBytes, handler);
    }

    /**
     * Applies up to {@code limit} new events, then saves the position.
     *
     * @return events read (applied or skipped as already applied); 0 at the end of the journal for now.
     */
    public int poll(final int limit)
    {
        final int read = feed.poll(handler, limit);
        if (read > 0)
        {
            save(feed.position());
        }
        return read;
    }

    /** Overwrites the saved position (tests: a crash between applying events and saving the position). */
    public void save(final EventPosition position)
    {
        store.put(positionKey, position.toBytes(positionBytes));
    }

    public EventPosition position()
    {
        return feed.position();
    }

    @Override
    public void close()
    {
        feed.close();
    }
}
