package dev.flashsale.read.catalog;

import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.SalePausedDecoder;
import dev.flashsale.engine.codec.SaleResumedDecoder;
import dev.flashsale.engine.codec.StockChangedDecoder;
import dev.flashsale.read.feed.ProjectionFeed;
import dev.flashsale.read.feed.EventPosition;
import dev.flashsale.read.store.PersistedMap;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The catalog: product data the engine does not need (written by admins, owned here), joined with
 * each SKU's live availability projected from the engine's events. Two persisted Chronicle
 * Maps: products by SKU, and availability by SKU with the position of the last event applied to
 * each (and the feed's position under the key {@code ""}, which no SKU can have), so the
 * projection resumes exactly once like the order history.
 *
 * <p>A batch of events changes each SKU's availability record in memory and writes it to the store
 * once, at the batch's end, before the batch's position is saved: in a sale of one hot SKU every
 * reserve, confirm and cancel changes the same record, which cost a map read and a map write
 * each. Readers see the store as of the last batch (at most {@code limit} events of
 * {@link #poll} behind the events applied).
 *
 * <p>One thread opens the feed, polls and closes the feed ({@link #openFeed}, {@link #poll},
 * {@link #closeFeed}); any thread reads and writes products.
 */
public final class Catalog implements AutoCloseable
{
    private static final String POSITION_KEY = "";
    private static final int AVAILABILITY_BYTES = 8 + 4 + 4 * 4 + 1;

    private final PersistedMap<String, byte[]> products;
    private final PersistedMap<String, byte[]> availability;
    private final ProjectionFeed<String> feed;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final StockChangedDecoder stockChanged = new StockChangedDecoder();
    private final SalePausedDecoder paused = new SalePausedDecoder();
    private final SaleResumedDecoder resumed = new SaleResumedDecoder();
    private final Map<String, Pending> batch = new HashMap<>();
    private volatile Consumer<String> onChange = sku -> { };
    private volatile long lastEngineTimeMs;
    private long batchEngineTimeMs;

    private Catalog(final PersistedMap<String, byte[]> products, final PersistedMap<String, byte[]> availability,
        final Path dataDirectory)
    {
        this.products = products;
        this.availability = availability;
        this.feed = ProjectionFeed.open(dataDirectory, availability.map(), POSITION_KEY, AVAILABILITY_BYTES, this::onEvent,
            this::writeBatch);
    }

    /**
     * Opens (or creates) the catalog's stores under {@code storeDirectory}, sized for {@code skus}
     * products, and resumes the availability feed where it stopped.
     */
    public static Catalog open(final Path dataDirectory, final Path storeDirectory, final long skus)
    {
        final ChronicleMapBuilder<String, byte[]> productBuilder = ChronicleMap.of(String.class, byte[].class)
            .name("products").entries(skus).averageKeySize(16).averageValueSize(600).maxBloatFactor(4.0);
        final ChronicleMapBuilder<String, byte[]> availabilityBuilder = ChronicleMap.of(String.class, byte[].class)
            .name("availability").entries(skus + 1).averageKeySize(16).constantValueSizeBySample(new byte[AVAILABILITY_BYTES])
            .maxBloatFactor(4.0);
        final PersistedMap<String, byte[]> products = PersistedMap.open(productBuilder, storeDirectory.resolve("products.cmap"));
        PersistedMap<String, byte[]> availability = null;
        try
        {
            availability = PersistedMap.open(availabilityBuilder, storeDirectory.resolve("availability.cmap"));
            return new Catalog(products, availability, dataDirectory); // a rewritten journal clears availability only
        }
        catch (final RuntimeException ex)
        {
            if (availability != null)
            {
                availability.close();
            }
            products.close();
            throw ex;
        }
    }

    /**
     * Tells {@code listener} the SKU of every product written or deleted, and of every SKU whose
     * in-stock state (available units and not paused) flips: what the search index shows.
     */
    public void onChange(final Consumer<String> listener)
    {
        this.onChange = listener;
    }

    /** Creates or replaces a product. */
    public void put(final Product product)
    {
        products.map().put(product.sku(), ProductCodec.encode(product));
        onChange.accept(product.sku());
    }

    /** @return the product, or null. */
    public Product product(final String sku)
    {
        final byte[] bytes = products.map().get(sku);
        return bytes == null ? null : ProductCodec.decode(bytes);
    }

    /** @return true if there was a product to delete. */
    public boolean delete(final String sku)
    {
        final boolean removed = products.map().remove(sku) != null;
        if (removed)
        {
            onChange.accept(sku);
        }
        return removed;
    }

    /** @return the SKU's live stock, or null if the engine's events never showed it. */
    public Availability availability(final String sku)
    {
        final byte[] bytes = availability.map().get(sku);
        if (bytes == null || sku.isEmpty())
        {
            return null;
        }
        final UnsafeBuffer record = new UnsafeBuffer(bytes);
        return new Availability(record.getInt(12), record.getInt(16), record.getInt(20), record.getInt(24), record.getByte(28) != 0);
    }

    /** Calls {@code action} with every product (for a search rebuild). */
    public void forEachProduct(final Consumer<Product> action)
    {
        products.map().forEach((sku, bytes) -> action.accept(ProductCodec.decode(bytes)));
    }

    public long productCount()
    {
        return products.map().longSize();
    }

    /**
     * Opens the event journal on the calling thread, which must be the one that polls (the
     * journal's tailer is single-threaded); {@link #poll} does it if this was not called.
     *
     * @throws dev.flashsale.journal.JournalException if the event journal cannot be read.
     */
    public void openFeed()
    {
        feed.openTailer();
    }

    /** Closes the event journal's tailer; call on the thread that polled. {@link #close} does it too. */
    public void closeFeed()
    {
        feed.close();
    }

    /**
     * Applies up to {@code limit} new events to the availability store, then saves the position.
     *
     * @return events read; 0 at the end of the journal for now.
     */
    public int poll(final int limit)
    {
        return feed.poll(limit);
    }

    public EventPosition position()
    {
        return feed.position();
    }

    public long lastEngineTimeMs()
    {
        return lastEngineTimeMs;
    }

    @Override
    public void close()
    {
        try
        {
            feed.close();
        }
        finally
        {
            try
            {
                availability.close();
            }
            finally
            {
                products.close();
            }
        }
    }

    private void onEvent(final long sequence, final int index, final long chronicleIndex, final DirectBuffer buffer,
        final int offset, final int length)
    {
        header.wrap(buffer, offset);
        switch (header.templateId())
        {
            case StockChangedDecoder.TEMPLATE_ID ->
            {
                stockChanged.wrapAndApplyHeader(buffer, offset, header);
                final String sku = stockChanged.sku();
                final Pending pending = load(sku);
                if (applies(pending.record, sequence, index))
                {
                    pending.record.putInt(12, stockChanged.totalStock());
                    pending.record.putInt(16, stockChanged.available());
                    pending.record.putInt(20, stockChanged.held());
                    pending.record.putInt(24, stockChanged.sold());
                    store(sku, pending, sequence, index, stockChanged.engineTimeMs());
                }
            }
            case SalePausedDecoder.TEMPLATE_ID ->
            {
                paused.wrapAndApplyHeader(buffer, offset, header);
                setPaused(paused.sku(), true, sequence, index, paused.engineTimeMs());
            }
            case SaleResumedDecoder.TEMPLATE_ID ->
            {
                resumed.wrapAndApplyHeader(buffer, offset, header);
                setPaused(resumed.sku(), false, sequence, index, resumed.engineTimeMs());
            }
            default ->
            {
                // Checkout events feed the order history.
            }
        }
    }

    private void setPaused(final String sku, final boolean value, final long sequence, final int index, final long engineTimeMs)
    {
        final Pending pending = load(sku);
        if (applies(pending.record, sequence, index))
        {
            pending.record.putByte(28, (byte)(value ? 1 : 0));
            store(sku, pending, sequence, index, engineTimeMs);
        }
    }

    /** @return the SKU's record as this batch left it, else as the store has it (a new one if none). */
    private Pending load(final String sku)
    {
        final Pending inBatch = batch.get(sku);
        if (inBatch != null)
        {
            return inBatch;
        }
        final byte[] bytes = availability.map().get(sku);
        final UnsafeBuffer record;
        if (bytes != null)
        {
            record = new UnsafeBuffer(bytes);
        }
        else
        {
            record = new UnsafeBuffer(new byte[AVAILABILITY_BYTES]);
            record.putInt(8, -1);
        }
        return new Pending(record, inStock(record));
    }

    /** @return true unless the SKU's record already holds this event (a replay after a restart). */
    private static boolean applies(final UnsafeBuffer record, final long sequence, final int index)
    {
        final long last = record.getLong(0);
        return sequence > last || sequence == last && index > record.getInt(8);
    }

    private void store(final String sku, final Pending pending, final long sequence, final int index, final long engineTimeMs)
    {
        pending.record.putLong(0, sequence);
        pending.record.putInt(8, index);
        batch.put(sku, pending);
        batchEngineTimeMs = engineTimeMs;
    }

    /** At a batch's end: each changed record to the store once, and the SKUs whose in-stock state flipped to the listener. */
    private void writeBatch()
    {
        if (batch.isEmpty())
        {
            return;
        }
        for (final Map.Entry<String, Pending> changed : batch.entrySet())
        {
            final Pending pending = changed.getValue();
            availability.map().put(changed.getKey(), pending.record.byteArray());
            if (inStock(pending.record) != pending.wasInStock)
            {
                onChange.accept(changed.getKey());
            }
        }
        batch.clear();
        lastEngineTimeMs = batchEngineTimeMs;
    }

    private static boolean inStock(final UnsafeBuffer record)
    {
        return record.getInt(16) > 0 && record.getByte(28) == 0;
    }

    /** A SKU's availability record being changed by the batch under way, and whether it was in stock before. */
    private record Pending(UnsafeBuffer record, boolean wasInStock)
    {
    }
}
