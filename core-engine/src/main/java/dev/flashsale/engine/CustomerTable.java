package dev.flashsale.engine;

/**
 * Per customer: live holds, and units held + confirmed per SKU (what per-customer limits count).
 * One lookup answers both, because a reserve needs both and, with millions of shoppers, each
 * lookup is a cache miss.
 *
 * <p>Open addressing with linear probing over 32-byte rows in one array, sized once for
 * {@code maxCustomers} at a load factor of at most 0.7:
 * <pre>
 * row, 4 longs:  0 customerId (0 = empty; ids are positive)
 *                1 live holds (low 32) | SKUs kept in the overflow table (high 32)
 *                2, 3 inline SKUs: skuIndex + 1 (high 32) | units (low 32); 0 = empty
 * </pre>
 * Most shoppers buy one or two SKUs, which stay in the row; a customer's further SKUs go to an
 * overflow {@link CounterTable} of (customerId, SKU) pairs sized by
 * {@code customerOverflowCapacity}. A new SKU takes a free inline place first. A row whose units
 * all return to zero is removed (backward-shift deletion, no tombstones); a customer with a live
 * hold always has units, so live holds never outlive the row. Engine thread only.
 */
final class CustomerTable
{
    static final int INLINE_SKUS = 2;
    private static final int ROW_LONGS = 4;
    private static final int ID = 0;
    private static final int COUNTS = 1;
    private static final int INLINE = 2;

    private final int maxCustomers;
    private final int mask;
    private final long[] rows;
    private final CounterTable overflow;
    private int size;

    CustomerTable(final int maxCustomers, final int maxOverflowEntries)
    {
        this.maxCustomers = maxCustomers;
        final int tableSize = Hashing.tableSizeFor(maxCustomers);
        mask = tableSize - 1;
        rows = new long[tableSize * ROW_LONGS];
        overflow = new CounterTable(maxOverflowEntries);
    }

    int size()
    {
        return size;
    }

    int maxCustomers()
    {
        return maxCustomers;
    }

    int overflowSize()
    {
        return overflow.size();
    }

    int maxOverflowEntries()
    {
        return overflow.maxEntries();
    }

    /** @return the row of a customer, or -1. Valid until the next change to the table. */
    int find(final long customerId)
    {
        int row = home(customerId);
        long id;
        while ((id = rows[row * ROW_LONGS + ID]) != 0)
        {
            if (id == customerId)
            {
                return row;
            }
            row = (row + 1) & mask;
        }
        return -1;
    }

    /**
     * Reads the customer's home row so that a lookup soon after finds it in cache.
     *
     * @return the value read: callers keep it (in a field) so the read is not optimised away.
     */
    long touch(final long customerId)
    {
        return rows[home(customerId) * ROW_LONGS];
    }

    /** @return live holds of the customer in {@code row} (-1 for none: 0). */
    int liveHolds(final int row)
    {
        return row < 0 ? 0 : (int)rows[row * ROW_LONGS + COUNTS];
    }

    /** @return units held + confirmed of a SKU by the customer in {@code row} (-1 for none: 0). */
    int units(final int row, final int sku)
    {
        if (row < 0)
        {
            return 0;
        }
        final int base = row * ROW_LONGS;
        for (int i = 0; i < INLINE_SKUS; i++)
        {
            final long pair = rows[base + INLINE + i];
            if (pair >>> 32 == sku + 1)
            {
                return (int)pair;
            }
        }
        return overflowed(base) > 0 ? overflow.get(rows[base + ID], sku) : 0;
    }

    /** @return true if the customer in {@code row} has units of the SKU. */
    boolean hasUnits(final int row, final int sku)
    {
        return units(row, sku) > 0;
    }

    /**
     * @return true if the customer can take units of {@code newSkus} SKUs they have no units of
     *     yet: a row if they have none, and overflow entries for what does not fit inline.
     */
    boolean hasRoom(final int row, final int newSkus)
    {
        int freeInline = INLINE_SKUS;
        if (row < 0)
        {
            if (size == maxCustomers)
            {
                return false;
            }
        }
        else
        {
            freeInline = 0;
            for (int i = 0; i < INLINE_SKUS; i++)
            {
                if (rows[row * ROW_LONGS + INLINE + i] == 0)
                {
                    freeInline++;
                }
            }
        }
        return newSkus - freeInline <= overflow.remaining();
    }

    /**
     * Adds units of a SKU to a customer, creating the row or the SKU's place if needed (the caller
     * checked {@link #hasRoom}), removing them at zero, and the row when no units remain.
     */
    void addUnits(final long customerId, final int sku, final int delta)
    {
        int row = find(customerId);
        if (row < 0)
        {
            row = insert(customerId);
        }
        final int base = row * ROW_LONGS;
        int freeInline = -1;
        for (int i = 0; i < INLINE_SKUS; i++)
        {
            final long pair = rows[base + INLINE + i];
            if (pair >>> 32 == sku + 1)
            {
                final int units = (int)pair + delta;
                checkNotNegative(customerId, sku, units);
                rows[base + INLINE + i] = units == 0 ? 0 : (long)(sku + 1) << 32 | units;
                removeIfEmpty(row);
                return;
            }
            if (pair == 0 && freeInline < 0)
            {
                freeInline = i;
            }
        }
        if (overflowed(base) > 0 && overflow.contains(customerId, sku))
        {
            if (overflow.add(customerId, sku, delta) == 0)
            {
                rows[base + COUNTS] -= 1L << 32;
                removeIfEmpty(row);
            }
            return;
        }
        checkNotNegative(customerId, sku, delta);
        if (freeInline >= 0)
        {
            rows[base + INLINE + freeInline] = (long)(sku + 1) << 32 | delta;
        }
        else
        {
            overflow.add(customerId, sku, delta);
            rows[base + COUNTS] += 1L << 32;
        }
    }

    /** Adds to the live holds of a customer who has units (so a row). */
    void addLiveHolds(final long customerId, final int delta)
    {
        final int row = find(customerId);
        if (row < 0)
        {
            throw new InvariantViolation("live holds of customer " + customerId + " who has no units");
        }
        final int base = row * ROW_LONGS;
        final int holds = (int)rows[base + COUNTS] + delta;
        if (holds < 0)
        {
            throw new InvariantViolation("live holds of customer " + customerId + " would go negative");
        }
        rows[base + COUNTS] = (rows[base + COUNTS] & 0xFFFF_FFFF_0000_0000L) | holds;
    }

    /** @return rows of the table (occupied or not): the bound of a row index. */
    int rowCount()
    {
        return mask + 1;
    }

    /** Visits every customer in table order (not a canonical order). */
    void forEachCustomer(final CustomerConsumer consumer)
    {
        for (int row = 0; row <= mask; row++)
        {
            final int base = row * ROW_LONGS;
            if (rows[base + ID] != 0)
            {
                consumer.accept(row, rows[base + ID], (int)rows[base + COUNTS], rows[base + INLINE],
                    rows[base + INLINE + 1]);
            }
        }
    }

    /** Visits every overflow (customer, SKU) entry in table order. */
    void forEachOverflow(final CounterTable.EntryConsumer consumer)
    {
        overflow.forEach(consumer);
    }

    /** Restores a customer from a snapshot: live holds and inline SKUs as (skuIndex, units); -1 = none. */
    void restore(final long customerId, final int liveHolds, final int sku0, final int units0, final int sku1,
        final int units1)
    {
        if (find(customerId) >= 0 || size == maxCustomers)
        {
            throw new InvariantViolation("customer " + customerId + " restored twice or beyond capacity");
        }
        final int base = insert(customerId) * ROW_LONGS;
        rows[base + COUNTS] = liveHolds;
        rows[base + INLINE] = sku0 < 0 ? 0 : (long)(sku0 + 1) << 32 | units0;
        rows[base + INLINE + 1] = sku1 < 0 ? 0 : (long)(sku1 + 1) << 32 | units1;
    }

    /** Restores an overflow entry of a restored customer from a snapshot. */
    void restoreOverflow(final long customerId, final int sku, final int units)
    {
        final int row = find(customerId);
        if (row < 0 || overflow.contains(customerId, sku) || overflow.remaining() == 0)
        {
            throw new InvariantViolation("overflow entry " + customerId + "/" + sku + " without its customer or twice");
        }
        overflow.add(customerId, sku, units);
        rows[row * ROW_LONGS + COUNTS] += 1L << 32;
    }

    /** @return overflow entries counted in a customer's row (for the invariant check). */
    int overflowCount(final int row)
    {
        return overflowed(row * ROW_LONGS);
    }

    private int overflowed(final int base)
    {
        return (int)(rows[base + COUNTS] >>> 32);
    }

    private int insert(final long customerId)
    {
        if (size == maxCustomers)
        {
            throw new InvariantViolation("customer table full: the caller must check hasRoom() first");
        }
        int row = home(customerId);
        while (rows[row * ROW_LONGS + ID] != 0)
        {
            row = (row + 1) & mask;
        }
        final int base = row * ROW_LONGS;
        rows[base + ID] = customerId;
        rows[base + COUNTS] = 0;
        rows[base + INLINE] = 0;
        rows[base + INLINE + 1] = 0;
        size++;
        return row;
    }

    private void removeIfEmpty(final int row)
    {
        final int base = row * ROW_LONGS;
        if (rows[base + INLINE] != 0 || rows[base + INLINE + 1] != 0 || overflowed(base) != 0)
        {
            return;
        }
        if ((int)rows[base + COUNTS] != 0)
        {
            throw new InvariantViolation("customer " + rows[base + ID] + " has live holds but no units");
        }
        int hole = row;
        int next = (row + 1) & mask;
        while (rows[next * ROW_LONGS + ID] != 0)
        {
            final int home = home(rows[next * ROW_LONGS + ID]);
            if (((next - home) & mask) >= ((next - hole) & mask))
            {
                System.arraycopy(rows, next * ROW_LONGS, rows, hole * ROW_LONGS, ROW_LONGS);
                hole = next;
            }
            next = (next + 1) & mask;
        }
        rows[hole * ROW_LONGS + ID] = 0;
        size--;
    }

    private int home(final long customerId)
    {
        return Hashing.index(customerId, mask);
    }

    private static void checkNotNegative(final long customerId, final int sku, final int units)
    {
        if (units < 0)
        {
            throw new InvariantViolation("units of customer " + customerId + " in SKU " + sku + " would go negative");
        }
    }

    /** Receives one customer of {@link #forEachCustomer}; inline pairs as stored (skuIndex + 1 high, units low). */
    @FunctionalInterface
    interface CustomerConsumer
    {
        void accept(int row, long customerId, int liveHolds, long inline0, long inline1);
    }
}
