package dev.flashsale.engine;

import java.util.Arrays;

/**
 * Every retained checkout, in fixed slots sized once for {@code checkoutCapacity} and
 * {@code maxLinesPerCheckout}.
 *
 * <p>Layout: records, not parallel arrays, because the engine touches one checkout at a time and
 * a slot spread over a dozen arrays costs a dozen cache misses. Per slot, a 64-byte header in
 * {@code headers} and its lines in {@code lines}:
 * <pre>
 * headers, 8 longs a slot:  0 id | 1 customerId | 2 createdAtMs | 3 expiresAtMs | 4 terminalAtMs |
 *                           5 paymentRefHashHigh | 6 paymentRefHashLow | 7 state (bits 0-7), line count (8-15)
 * lines, 2 longs a line:    0 skuIndex (high 32) | quantity (low 32)
 *                           1 unitPriceMinor (high 40) | currency, 3 ASCII bytes (low 24)
 * </pre>
 *
 * <p>A checkout id is {@code serial << SLOT_BITS | slot}: the serial grows by one per checkout, so
 * ids are unique, increase in creation order, and find their slot without a hash map; a lookup
 * checks that the slot still holds that id. Free slots form a stack whose order is part of the
 * state (snapshots keep it) because it decides future ids. Owned by the engine thread.
 */
final class CheckoutStore
{
    /** Slot bits of a checkout id: the ceiling of {@code checkoutCapacity}. */
    static final int SLOT_BITS = 24;
    static final int MAX_CAPACITY = 1 << SLOT_BITS;
    static final long SLOT_MASK = MAX_CAPACITY - 1;
    /** Largest serial before ids would overflow a positive long. */
    static final long MAX_SERIAL = Long.MAX_VALUE >>> SLOT_BITS;

    static final byte FREE = 0;
    static final byte HELD = 1;
    static final byte CONFIRMED = 2;
    static final byte RELEASED = 3;
    static final byte EXPIRED = 4;

    private static final int HEADER_LONGS = 8;
    private static final int ID = 0;
    private static final int CUSTOMER = 1;
    private static final int CREATED = 2;
    private static final int EXPIRES = 3;
    private static final int TERMINAL = 4;
    private static final int PAYMENT_HIGH = 5;
    private static final int PAYMENT_LOW = 6;
    private static final int STATE_AND_LINES = 7;
    private static final int LINE_LONGS = 2;

    private final int capacity;
    private final int maxLines;
    private final long[] headers;
    private final long[] lines;
    private final int[] freeSlots;
    private int freeCount;
    private long nextSerial = 1;

    CheckoutStore(final int capacity, final int maxLines)
    {
        if (capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("checkout capacity above " + MAX_CAPACITY);
        }
        this.capacity = capacity;
        this.maxLines = maxLines;
        headers = new long[capacity * HEADER_LONGS];
        lines = new long[capacity * maxLines * LINE_LONGS];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i; // slot 0 on top
        }
        freeCount = capacity;
    }

    int capacity()
    {
        return capacity;
    }

    int maxLines()
    {
        return maxLines;
    }

    int freeCount()
    {
        return freeCount;
    }

    int usedCount()
    {
        return capacity - freeCount;
    }

    long nextSerial()
    {
        return nextSerial;
    }

    /** @return the slot of a retained checkout with this id, or -1. */
    int find(final long checkoutId)
    {
        if (checkoutId <= 0)
        {
            return -1;
        }
        final int slot = (int)(checkoutId & SLOT_MASK);
        return slot < capacity && headers[slot * HEADER_LONGS + ID] == checkoutId ? slot : -1;
    }

    /**
     * Takes a free slot and gives it the next id, in state HELD with no lines. The caller checked
     * {@link #freeCount()}.
     *
     * @return the slot.
     */
    int allocate(final long customerId, final long createdAtMs, final long expiresAtMs)
    {
        if (freeCount == 0)
        {
            throw new InvariantViolation("no free checkout slot: the caller must check freeCount() first");
        }
        if (nextSerial > MAX_SERIAL)
        {
            throw new InvariantViolation("checkout serials exhausted");
        }
        final int slot = freeSlots[--freeCount];
        restoreSlot(slot, nextSerial++ << SLOT_BITS | slot, customerId, HELD, createdAtMs, expiresAtMs, 0, 0, 0);
        return slot;
    }

    void addLine(final int slot, final int sku, final int quantity, final long priceMinor, final int currency)
    {
        final int count = lineCount(slot);
        final int line = (slot * maxLines + count) * LINE_LONGS;
        lines[line] = (long)sku << 32 | (quantity & 0xFFFF_FFFFL);
        lines[line + 1] = priceMinor << 24 | currency;
        headers[slot * HEADER_LONGS + STATE_AND_LINES] = state(slot) | (long)(count + 1) << 8;
    }

    /** Returns a slot to the free stack. */
    void free(final int slot)
    {
        if (state(slot) == FREE)
        {
            throw new InvariantViolation("checkout slot " + slot + " freed twice");
        }
        headers[slot * HEADER_LONGS + ID] = 0;
        headers[slot * HEADER_LONGS + STATE_AND_LINES] = FREE;
        freeSlots[freeCount++] = slot;
    }

    long id(final int slot)
    {
        return headers[slot * HEADER_LONGS + ID];
    }

    long customerId(final int slot)
    {
        return headers[slot * HEADER_LONGS + CUSTOMER];
    }

    long createdAtMs(final int slot)
    {
        return headers[slot * HEADER_LONGS + CREATED];
    }

    long expiresAtMs(final int slot)
    {
        return headers[slot * HEADER_LONGS + EXPIRES];
    }

    long terminalAtMs(final int slot)
    {
        return headers[slot * HEADER_LONGS + TERMINAL];
    }

    long paymentRefHashHigh(final int slot)
    {
        return headers[slot * HEADER_LONGS + PAYMENT_HIGH];
    }

    long paymentRefHashLow(final int slot)
    {
        return headers[slot * HEADER_LONGS + PAYMENT_LOW];
    }

    byte state(final int slot)
    {
        return (byte)headers[slot * HEADER_LONGS + STATE_AND_LINES];
    }

    int lineCount(final int slot)
    {
        return (int)(headers[slot * HEADER_LONGS + STATE_AND_LINES] >>> 8) & 0xFF;
    }

    /** Ends a hold: the terminal state and when it was reached. */
    void terminate(final int slot, final byte state, final long terminalAtMs)
    {
        final int base = slot * HEADER_LONGS;
        headers[base + STATE_AND_LINES] = state | (long)lineCount(slot) << 8;
        headers[base + TERMINAL] = terminalAtMs;
    }

    void paymentRefHash(final int slot, final long high, final long low)
    {
        headers[slot * HEADER_LONGS + PAYMENT_HIGH] = high;
        headers[slot * HEADER_LONGS + PAYMENT_LOW] = low;
    }

    int lineSku(final int slot, final int line)
    {
        return (int)(lines[(slot * maxLines + line) * LINE_LONGS] >>> 32);
    }

    int lineQuantity(final int slot, final int line)
    {
        return (int)lines[(slot * maxLines + line) * LINE_LONGS];
    }

    long linePriceMinor(final int slot, final int line)
    {
        return lines[(slot * maxLines + line) * LINE_LONGS + 1] >>> 24;
    }

    int lineCurrency(final int slot, final int line)
    {
        return (int)lines[(slot * maxLines + line) * LINE_LONGS + 1] & 0xFF_FFFF;
    }

    /** @return the free slot at a position of the free stack, 0 = bottom. */
    int freeSlotAt(final int position)
    {
        return freeSlots[position];
    }

    /** Restores the serial and the free stack from a snapshot; slots were restored before. */
    void restoreFreeStack(final long nextSerial, final int[] slots, final int count)
    {
        this.nextSerial = nextSerial;
        System.arraycopy(slots, 0, freeSlots, 0, count);
        freeCount = count;
    }

    /** Writes a slot's whole header, with no lines yet (they are added with {@link #addLine}). */
    void restoreSlot(
        final int slot,
        final long id,
        final long customerId,
        final byte state,
        final long createdAtMs,
        final long expiresAtMs,
        final long terminalAtMs,
        final long paymentRefHashHigh,
        final long paymentRefHashLow)
    {
        final int base = slot * HEADER_LONGS;
        headers[base + ID] = id;
        headers[base + CUSTOMER] = customerId;
        headers[base + CREATED] = createdAtMs;
        headers[base + EXPIRES] = expiresAtMs;
        headers[base + TERMINAL] = terminalAtMs;
        headers[base + PAYMENT_HIGH] = paymentRefHashHigh;
        headers[base + PAYMENT_LOW] = paymentRefHashLow;
        headers[base + STATE_AND_LINES] = state;
    }

    /** Empties every slot before a restore. */
    void clearAll()
    {
        Arrays.fill(headers, 0);
        freeCount = 0;
    }
}
