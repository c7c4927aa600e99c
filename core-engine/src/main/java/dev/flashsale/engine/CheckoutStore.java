package dev.flashsale.engine;

import java.util.Arrays;

/**
 * Every retained checkout, in fixed slots of parallel arrays sized once for
 * {@code checkoutCapacity} and {@code maxLinesPerCheckout}.
 *
 * <p>A checkout id is {@code serial << SLOT_BITS | slot}: the serial grows by one per checkout, so
 * ids are unique, increase in creation order, and find their slot without a hash map. A lookup
 * checks that the slot still holds that id. Free slots form a stack; its order is part of the
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

    private final int capacity;
    final int maxLines;

    final long[] ids;
    final long[] customerIds;
    final byte[] states;
    final long[] createdAtMs;
    final long[] expiresAtMs;
    final long[] terminalAtMs;
    /** Two longs per slot: a 128-bit hash of the payment reference of a confirmed checkout. */
    final long[] paymentRefHashes;
    final byte[] lineCounts;
    /** {@code maxLines} entries per slot. */
    final int[] lineSkus;
    final int[] lineQuantities;
    final long[] linePricesMinor;
    final int[] lineCurrencies;

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
        ids = new long[capacity];
        customerIds = new long[capacity];
        states = new byte[capacity];
        createdAtMs = new long[capacity];
        expiresAtMs = new long[capacity];
        terminalAtMs = new long[capacity];
        paymentRefHashes = new long[capacity * 2];
        lineCounts = new byte[capacity];
        lineSkus = new int[capacity * maxLines];
        lineQuantities = new int[capacity * maxLines];
        linePricesMinor = new long[capacity * maxLines];
        lineCurrencies = new int[capacity * maxLines];
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
        return slot < capacity && ids[slot] == checkoutId ? slot : -1;
    }

    /**
     * Takes a free slot and gives it the next id. The caller checked {@link #freeCount()}.
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
        ids[slot] = nextSerial++ << SLOT_BITS | slot;
        customerIds[slot] = customerId;
        states[slot] = HELD;
        this.createdAtMs[slot] = createdAtMs;
        this.expiresAtMs[slot] = expiresAtMs;
        terminalAtMs[slot] = 0;
        paymentRefHashes[slot * 2] = 0;
        paymentRefHashes[slot * 2 + 1] = 0;
        lineCounts[slot] = 0;
        return slot;
    }

    void addLine(final int slot, final int sku, final int quantity, final long priceMinor, final int currency)
    {
        final int line = slot * maxLines + lineCounts[slot];
        lineSkus[line] = sku;
        lineQuantities[line] = quantity;
        linePricesMinor[line] = priceMinor;
        lineCurrencies[line] = currency;
        lineCounts[slot]++;
    }

    /** Returns a slot to the free stack. */
    void free(final int slot)
    {
        if (states[slot] == FREE)
        {
            throw new InvariantViolation("checkout slot " + slot + " freed twice");
        }
        ids[slot] = 0;
        states[slot] = FREE;
        freeSlots[freeCount++] = slot;
    }

    /** @return the index of the first line of a slot in the line arrays. */
    int firstLine(final int slot)
    {
        return slot * maxLines;
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

    /** Restores one slot from a snapshot (lines are added with {@link #addLine}). */
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
        ids[slot] = id;
        customerIds[slot] = customerId;
        states[slot] = state;
        this.createdAtMs[slot] = createdAtMs;
        this.expiresAtMs[slot] = expiresAtMs;
        this.terminalAtMs[slot] = terminalAtMs;
        paymentRefHashes[slot * 2] = paymentRefHashHigh;
        paymentRefHashes[slot * 2 + 1] = paymentRefHashLow;
        lineCounts[slot] = 0;
    }

    /** Empties every slot before a restore. */
    void clearAll()
    {
        Arrays.fill(ids, 0);
        Arrays.fill(states, FREE);
        freeCount = 0;
    }
}
