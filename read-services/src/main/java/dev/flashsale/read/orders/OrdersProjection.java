package dev.flashsale.read.orders;

import dev.flashsale.engine.codec.CheckoutConfirmedDecoder;
import dev.flashsale.engine.codec.CheckoutExpiredDecoder;
import dev.flashsale.engine.codec.CheckoutHeldDecoder;
import dev.flashsale.engine.codec.CheckoutReleasedDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.read.feed.ProjectionFeed;
import dev.flashsale.read.feed.EventPosition;
import dev.flashsale.read.store.PersistedMap;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Each customer's recent orders (their checkouts and what became of them), projected from the
 * event journal into a persisted Chronicle Map.
 *
 * <p>Exactly once across restarts without a transaction: every customer record keeps the
 * position of the last event applied to it, and an event at or before it is skipped. The
 * projection's own position is saved in the same map after each batch; after a crash the feed
 * resumes from the last saved position, and the events between it and the crash find their
 * customers' records already past them. Rebuilding from an empty map gives the same records.
 *
 * <p>One thread opens the feed, polls and closes the feed ({@link #openFeed}, {@link #poll},
 * {@link #closeFeed}); any thread reads ({@link #orders}).
 *
 * <p>The polling thread reads and writes a record in one query context of the map per event (one
 * look-up, one lock), copying the record's bytes into one reused buffer and back, so an event
 * allocates no record: under load {@code map.get} and {@code map.put} of a {@code byte[]} made
 * most of the projections' garbage. That buffer is off the heap: Chronicle copies a value from
 * direct memory into the map in one block, but from a heap array a long at a time through its
 * bounds checks, which was half of the projections' CPU under load (docs/BENCHMARKS.md).
 */
public final class OrdersProjection implements AutoCloseable
{
    private static final long POSITION_KEY = 0; // customer ids are positive

    private final ChronicleMap<Long, byte[]> map;
    private final PersistedMap<Long, byte[]> store;
    private final ProjectionFeed<Long> feed;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CheckoutHeldDecoder held = new CheckoutHeldDecoder();
    private final CheckoutConfirmedDecoder confirmed = new CheckoutConfirmedDecoder();
    private final CheckoutReleasedDecoder released = new CheckoutReleasedDecoder();
    private final CheckoutExpiredDecoder expired = new CheckoutExpiredDecoder();
    // One block of direct memory seen two ways: the record being changed, and the bytes the map copies.
    private final ByteBuffer recordMemory = ByteBuffer.allocateDirect(OrderHistory.MAX_BYTES);
    private final UnsafeBuffer record = new UnsafeBuffer(recordMemory);
    private final BytesStore<?, ByteBuffer> recordStore = BytesStore.wrap(recordMemory);
    private final UnsafeBuffer lines = new UnsafeBuffer(new byte[OrderHistory.MAX_LINES * OrderHistory.LINE]);
    private final byte[] text = new byte[32];
    private volatile long lastEngineTimeMs;

    private OrdersProjection(final PersistedMap<Long, byte[]> store, final Path dataDirectory)
    {
        this.store = store;
        this.map = store.map();
        this.feed = ProjectionFeed.open(dataDirectory, map, POSITION_KEY, EventPosition.BYTES, this::onEvent);
    }

    /**
     * Opens (or creates) the store and resumes the feed where the store's position says.
     *
     * @param dataDirectory the node's data directory, whose event journal feeds the projection.
     * @param storeFile     the Chronicle Map file; created with room for {@code customers} customers.
     */
    public static OrdersProjection open(final Path dataDirectory, final Path storeFile, final long customers)
    {
        final ChronicleMapBuilder<Long, byte[]> builder = ChronicleMap.of(Long.class, byte[].class)
            .name("orders")
            .entries(customers + 1)
            .averageValueSize(OrderHistory.storedSize(OrderHistory.HEADER + 3 * OrderHistory.ONE_LINE_ORDER))
            .maxBloatFactor(4.0);
        final PersistedMap<Long, byte[]> store = PersistedMap.open(builder, storeFile);
        try
        {
            return new OrdersProjection(store, dataDirectory);
        }
        catch (final RuntimeException ex)
        {
            store.close();
            throw ex;
        }
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
     * Applies up to {@code limit} new events, then saves the position.
     *
     * @return events read (applied or skipped as already applied); 0 at the end of the journal for now.
     */
    public int poll(final int limit)
    {
        return feed.poll(limit);
    }

    /** @return the customer's recent orders, newest first; empty for an unknown customer. */
    public List<Order> orders(final long customerId)
    {
        if (customerId <= 0)
        {
            throw new IllegalArgumentException("customer ids are positive: " + customerId);
        }
        final byte[] bytes = map.get(customerId);
        return bytes == null ? List.of() : OrderHistory.decode(bytes);
    }

    /** @return the last event applied. */
    public EventPosition position()
    {
        return feed.position();
    }

    /** @return the engine time of the last event applied (0 before any): how far behind the engine the store is. */
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
            store.close();
            recordStore.releaseLast();
        }
    }

    private void onEvent(final long sequence, final int index, final long chronicleIndex, final DirectBuffer buffer,
        final int offset, final int length)
    {
        header.wrap(buffer, offset);
        switch (header.templateId())
        {
            case CheckoutHeldDecoder.TEMPLATE_ID ->
            {
                held.wrapAndApplyHeader(buffer, offset, header);
                hold(sequence, index);
            }
            case CheckoutConfirmedDecoder.TEMPLATE_ID ->
            {
                confirmed.wrapAndApplyHeader(buffer, offset, header);
                transition(confirmed.customerId(), confirmed.checkoutId(), OrderHistory.CONFIRMED,
                    confirmed.engineTimeMs(), sequence, index);
            }
            case CheckoutReleasedDecoder.TEMPLATE_ID ->
            {
                released.wrapAndApplyHeader(buffer, offset, header);
                transition(released.customerId(), released.checkoutId(), OrderHistory.RELEASED,
                    released.engineTimeMs(), sequence, index);
            }
            case CheckoutExpiredDecoder.TEMPLATE_ID ->
            {
                expired.wrapAndApplyHeader(buffer, offset, header);
                transition(expired.customerId(), expired.checkoutId(), OrderHistory.EXPIRED,
                    expired.engineTimeMs(), sequence, index);
            }
            default ->
            {
                // Stock and SKU events feed other projections.
            }
        }
    }

    private void hold(final long sequence, final int index)
    {
        final long customer = held.customerId();
        try (ExternalMapQueryContext<Long, byte[], ?> context = map.queryContext(customer))
        {
            context.updateLock().lock();
            final int recordLength = load(context, customer);
            if (!applies(sequence, index))
            {
                return;
            }
            int lineCount = 0;
            for (final CheckoutHeldDecoder.LinesDecoder line : held.lines())
            {
                final int at = lineCount++ * OrderHistory.LINE;
                Arrays.fill(text, (byte)0);
                line.getSku(text, 0);
                lines.putBytes(at, text, 0, 32);
                lines.putInt(at + 32, line.quantity());
                lines.putLong(at + 36, line.unitPriceMinor());
                line.getCurrency(text, 0);
                lines.putBytes(at + 44, text, 0, 3);
            }
            final int newLength = OrderHistory.append(record, recordLength, held.checkoutId(), OrderHistory.HELD,
                held.engineTimeMs(), held.expiresAtMs(), lines, lineCount);
            store(context, newLength, sequence, index, held.engineTimeMs());
        }
    }

    private void transition(final long customer, final long checkoutId, final int state, final long engineTimeMs,
        final long sequence, final int index)
    {
        try (ExternalMapQueryContext<Long, byte[], ?> context = map.queryContext(customer))
        {
            context.updateLock().lock();
            final int recordLength = load(context, customer);
            if (!applies(sequence, index))
            {
                return;
            }
            final int order = OrderHistory.find(record, recordLength, checkoutId);
            if (order >= 0) // else it left the history (more than MAX_ORDERS since)
            {
                OrderHistory.setState(record, order, state, engineTimeMs);
            }
            store(context, recordLength, sequence, index, engineTimeMs);
        }
    }

    /**
     * Loads the customer's record into {@link #record}, in the context that will store it back (one
     * look-up and one lock per event; the update lock keeps readers going until the write).
     *
     * @return its length.
     */
    private int load(final ExternalMapQueryContext<Long, byte[], ?> context, final long customer)
    {
        final MapEntry<Long, byte[]> entry = context.entry();
        if (entry == null)
        {
            return OrderHistory.empty(record);
        }
        final Data<byte[]> value = entry.value();
        final int size = (int)value.size();
        if (size > record.capacity())
        {
            throw new IllegalStateException("customer " + customer + "'s order history has " + size
                + " bytes, more than a record can hold (" + record.capacity() + ")");
        }
        recordStore.write(0, value.bytes(), value.offset(), size);
        return OrderHistory.length(record);
    }

    /** @return true unless the customer's record already holds this event (a replay after a restart). */
    private boolean applies(final long sequence, final int index)
    {
        final long last = OrderHistory.lastSequence(record);
        return sequence > last || sequence == last && index > OrderHistory.lastIndex(record);
    }

    /** @return the customer's record as stored, padding included (tests); null if none. */
    byte[] storedRecord(final long customerId)
    {
        return map.get(customerId);
    }

    /** Overwrites the saved position (tests: a crash between applying events and saving the position). */
    void savePosition(final EventPosition position)
    {
        feed.save(position);
    }

    private void store(final ExternalMapQueryContext<Long, byte[], ?> context, final int length, final long sequence,
        final int index, final long engineTimeMs)
    {
        OrderHistory.setPosition(record, sequence, index);
        final int size = OrderHistory.storedSize(length);
        record.setMemory(length, size - length, (byte)0); // zeros after the orders, never another record's bytes
        final Data<byte[]> value = context.wrapValueBytesAsData(recordStore, 0, size);
        final MapEntry<Long, byte[]> entry = context.entry();
        if (entry == null)
        {
            context.insert(context.absentEntry(), value);
        }
        else
        {
            context.replaceValue(entry, value);
        }
        lastEngineTimeMs = engineTimeMs;
    }
}
