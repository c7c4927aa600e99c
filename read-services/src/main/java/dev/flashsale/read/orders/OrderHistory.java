package dev.flashsale.read.orders;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary record of one customer's recent orders, as stored in the map: the position of the
 * last event applied to it (so a replayed event is recognised and skipped), then up to
 * {@link #MAX_ORDERS} orders, oldest first.
 *
 * <pre>
 * lastSequence int64 | lastIndex int32 | count uint16 | orders...
 * order: checkoutId int64 | state uint8 | createdAt int64 | updatedAt int64 | expiresAt int64 | lineCount uint8 | lines...
 * line:  sku 32 bytes (NUL padded) | quantity int32 | unitPriceMinor int64 | currency 3 bytes
 * </pre>
 *
 * <p>A record is stored padded with zeros to a size class ({@link #storedSize}): room for 2, 4, 8...
 * one-line orders. A record that grew by one order at a time used to be relocated in the map on every
 * order, and the map's search for free space took a third of the projections' CPU under load; now
 * it moves when it outgrows its class. The orders' own length is found by walking {@code count}
 * orders ({@link #length}), so unpadded records written before read the same.
 */
final class OrderHistory
{
    static final int MAX_ORDERS = 20;
    static final int HELD = 1;
    static final int CONFIRMED = 2;
    static final int RELEASED = 3;
    static final int EXPIRED = 4;
    static final String[] STATES = {"NONE", "HELD", "CONFIRMED", "RELEASED", "EXPIRED"};
    static final int HEADER = 8 + 4 + 2;
    static final int ORDER_HEADER = 8 + 1 + 8 + 8 + 8 + 1;
    static final int LINE = 32 + 4 + 8 + 3;
    static final int MAX_LINES = 16;
    static final int MAX_BYTES = HEADER + MAX_ORDERS * (ORDER_HEADER + MAX_LINES * LINE);
    /** One order of one line: the unit of the size classes. */
    static final int ONE_LINE_ORDER = ORDER_HEADER + LINE;
    /** The smallest size class: room for two one-line orders. */
    static final int SMALLEST_CLASS = HEADER + 2 * ONE_LINE_ORDER;

    private OrderHistory()
    {
    }

    static long lastSequence(final DirectBuffer record)
    {
        return record.getLong(0);
    }

    static int lastIndex(final DirectBuffer record)
    {
        return record.getInt(8);
    }

    static int count(final DirectBuffer record)
    {
        return record.getShort(12) & 0xFFFF;
    }

    /** Writes an empty record into {@code out}. @return its length. */
    static int empty(final MutableDirectBuffer out)
    {
        out.putLong(0, 0);
        out.putInt(8, -1);
        out.putShort(12, (short)0);
        return HEADER;
    }

    /** @return the length of the record's orders (its header included), without the padding after them. */
    static int length(final DirectBuffer record)
    {
        int at = HEADER;
        for (int i = count(record); i > 0; i--)
        {
            at = next(record, at);
        }
        return at;
    }

    /**
     * @return the size a record of {@code length} bytes is stored at: room for a power of two of
     *     one-line orders, at least two, and at most {@link #MAX_BYTES}.
     */
    static int storedSize(final int length)
    {
        int size = SMALLEST_CLASS;
        while (size < length)
        {
            size = HEADER + 2 * (size - HEADER);
        }
        return Math.min(size, MAX_BYTES);
    }

    /** @return the offset of the order with this id in {@code record}, or -1. */
    static int find(final DirectBuffer record, final int length, final long checkoutId)
    {
        int at = HEADER;
        while (at < length)
        {
            if (record.getLong(at) == checkoutId)
            {
                return at;
            }
            at = next(record, at);
        }
        return -1;
    }

    static int next(final DirectBuffer record, final int orderOffset)
    {
        return orderOffset + ORDER_HEADER + (record.getByte(orderOffset + ORDER_HEADER - 1) & 0xFF) * LINE;
    }

    static void setState(final MutableDirectBuffer record, final int orderOffset, final int state, final long updatedAtMs)
    {
        record.putByte(orderOffset + 8, (byte)state);
        record.putLong(orderOffset + 17, updatedAtMs);
    }

    static void setPosition(final MutableDirectBuffer record, final long sequence, final int index)
    {
        record.putLong(0, sequence);
        record.putInt(8, index);
    }

    /**
     * Appends an order, dropping the oldest when the record is full.
     *
     * @return the new length.
     */
    static int append(final MutableDirectBuffer record, final int length, final long checkoutId, final int state,
        final long createdAtMs, final long expiresAtMs, final DirectBuffer lines, final int lineCount)
    {
        int end = length;
        if (count(record) == MAX_ORDERS)
        {
            final int second = next(record, HEADER);
            record.putBytes(HEADER, record, second, end - second);
            end -= second - HEADER;
            record.putShort(12, (short)(MAX_ORDERS - 1));
        }
        record.putLong(end, checkoutId);
        record.putByte(end + 8, (byte)state);
        record.putLong(end + 9, createdAtMs);
        record.putLong(end + 17, createdAtMs);
        record.putLong(end + 25, expiresAtMs);
        record.putByte(end + 33, (byte)lineCount);
        record.putBytes(end + ORDER_HEADER, lines, 0, lineCount * LINE);
        record.putShort(12, (short)(count(record) + 1));
        return end + ORDER_HEADER + lineCount * LINE;
    }

    /** @return the orders of a record, newest first. */
    static List<Order> decode(final byte[] bytes)
    {
        final UnsafeBuffer record = new UnsafeBuffer(bytes);
        final List<Order> orders = new ArrayList<>();
        int at = HEADER;
        for (int order = count(record); order > 0; order--)
        {
            final int lineCount = record.getByte(at + 33) & 0xFF;
            final List<Order.Line> lines = new ArrayList<>(lineCount);
            for (int i = 0; i < lineCount; i++)
            {
                final int line = at + ORDER_HEADER + i * LINE;
                lines.add(new Order.Line(text(record, line, 32), record.getInt(line + 32), record.getLong(line + 36),
                    text(record, line + 44, 3)));
            }
            orders.add(0, new Order(record.getLong(at), STATES[record.getByte(at + 8)], record.getLong(at + 9),
                record.getLong(at + 17), record.getLong(at + 25), List.copyOf(lines)));
            at = next(record, at);
        }
        return orders;
    }

    private static String text(final DirectBuffer buffer, final int offset, final int width)
    {
        int length = 0;
        while (length < width && buffer.getByte(offset + length) != 0)
        {
            length++;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
