package dev.flashsale.engine;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static dev.flashsale.engine.protocol.ProtocolLimits.SKU_CODE_LENGTH;

/**
 * Every SKU: its definition and its counters, in parallel arrays indexed by the SKU index, which is
 * assigned in creation order (deterministic) and never reused: SKUs are not deleted.
 *
 * <p>A SKU code is 32 NUL-padded bytes, kept as four longs; the code index is an open-addressing
 * table of SKU index + 1 (0 = empty), sized once for {@code maxSkus}. Owned by the engine thread.
 */
final class SkuBook
{
    static final int CODE_WORDS = SKU_CODE_LENGTH / Long.BYTES;
    static final int NOT_FOUND = -1;

    private final int capacity;
    private final int[] index;
    private final int indexMask;
    private int count;

    final long[] codes;
    final int[] totalStock;
    final int[] available;
    final int[] held;
    final int[] sold;
    final int[] perCustomerLimit;
    final long[] priceMinor;
    final int[] currency;
    final long[] startsAtMs;
    final long[] endsAtMs;
    final boolean[] paused;

    SkuBook(final int capacity)
    {
        this.capacity = capacity;
        final int tableSize = Hashing.tableSizeFor(capacity);
        index = new int[tableSize];
        indexMask = tableSize - 1;
        codes = new long[capacity * CODE_WORDS];
        totalStock = new int[capacity];
        available = new int[capacity];
        held = new int[capacity];
        sold = new int[capacity];
        perCustomerLimit = new int[capacity];
        priceMinor = new long[capacity];
        currency = new int[capacity];
        startsAtMs = new long[capacity];
        endsAtMs = new long[capacity];
        paused = new boolean[capacity];
    }

    int count()
    {
        return count;
    }

    int capacity()
    {
        return capacity;
    }

    /** @return the SKU index of the 32-byte code at {@code offset}, or {@link #NOT_FOUND}. */
    int find(final DirectBuffer buffer, final int offset)
    {
        final long w0 = word(buffer, offset, 0);
        final long w1 = word(buffer, offset, 1);
        final long w2 = word(buffer, offset, 2);
        final long w3 = word(buffer, offset, 3);
        int slot = slotFor(w0, w1, w2, w3);
        int entry;
        while ((entry = index[slot]) != 0)
        {
            final int sku = entry - 1;
            final int base = sku * CODE_WORDS;
            if (codes[base] == w0 && codes[base + 1] == w1 && codes[base + 2] == w2 && codes[base + 3] == w3)
            {
                return sku;
            }
            slot = (slot + 1) & indexMask;
        }
        return NOT_FOUND;
    }

    /**
     * Adds a SKU with zeroed counters. The caller checked that the code is valid and absent and
     * that {@link #count()} is below {@link #capacity()}.
     *
     * @return the new SKU index.
     */
    int add(final DirectBuffer buffer, final int offset)
    {
        return add(word(buffer, offset, 0), word(buffer, offset, 1), word(buffer, offset, 2), word(buffer, offset, 3));
    }

    /** Adds a SKU by the four words of its code (see {@link #add(DirectBuffer, int)}). */
    int add(final long w0, final long w1, final long w2, final long w3)
    {
        if (count == capacity)
        {
            throw new InvariantViolation("SKU book full: the caller must check capacity first");
        }
        final int sku = count++;
        final int base = sku * CODE_WORDS;
        codes[base] = w0;
        codes[base + 1] = w1;
        codes[base + 2] = w2;
        codes[base + 3] = w3;
        int slot = slotFor(w0, w1, w2, w3);
        while (index[slot] != 0)
        {
            slot = (slot + 1) & indexMask;
        }
        index[slot] = sku + 1;
        return sku;
    }

    /** Writes the 32-byte code of a SKU at {@code offset}. */
    void putCode(final int sku, final MutableDirectBuffer buffer, final int offset)
    {
        final int base = sku * CODE_WORDS;
        for (int i = 0; i < CODE_WORDS; i++)
        {
            buffer.putLong(offset + i * Long.BYTES, codes[base + i], ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Writes a 3-letter currency packed by {@link #packCurrency} at {@code offset}. */
    static void putCurrency(final int packed, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset, (byte)(packed >>> 16));
        buffer.putByte(offset + 1, (byte)(packed >>> 8));
        buffer.putByte(offset + 2, (byte)packed);
    }

    /** @return the three currency bytes at {@code offset} packed into an int. */
    static int packCurrency(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset) & 0xFF) << 16 | (buffer.getByte(offset + 1) & 0xFF) << 8 |
            (buffer.getByte(offset + 2) & 0xFF);
    }

    /** @return one of the four longs of a 32-byte code. */
    static long word(final DirectBuffer buffer, final int offset, final int word)
    {
        return buffer.getLong(offset + word * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
    }

    private int slotFor(final long w0, final long w1, final long w2, final long w3)
    {
        long h = Hashing.SEED;
        h = Hashing.step(h, w0);
        h = Hashing.step(h, w1);
        h = Hashing.step(h, w2);
        h = Hashing.step(h, w3);
        return (int)Hashing.finish(h) & indexMask;
    }
}
