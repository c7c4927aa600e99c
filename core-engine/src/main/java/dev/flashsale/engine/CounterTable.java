package dev.flashsale.engine;

/**
 * Counters keyed by {@code (long, int)}: the units held + confirmed per (customer, SKU) of a
 * customer's third SKU and beyond ({@link CustomerTable}'s overflow).
 *
 * <p>Open addressing with linear probing in parallel primitive arrays, sized once for
 * {@code maxEntries} at a load factor of at most 0.7: it never rehashes. An entry whose count
 * drops to zero is removed with backward-shift deletion (no tombstones), so a table under churn
 * does not degrade. Single-threaded: owned by the engine thread.
 */
final class CounterTable
{
    private static final int EMPTY = 0;

    private final int maxEntries;
    private final int mask;
    private final long[] keys;
    private final int[] parts;
    private final int[] counts;
    private int size;

    CounterTable(final int maxEntries)
    {
        this.maxEntries = maxEntries;
        final int tableSize = Hashing.tableSizeFor(maxEntries);
        mask = tableSize - 1;
        keys = new long[tableSize];
        parts = new int[tableSize];
        counts = new int[tableSize];
    }

    int size()
    {
        return size;
    }

    int maxEntries()
    {
        return maxEntries;
    }

    /** @return free entries before the table is full. */
    int remaining()
    {
        return maxEntries - size;
    }

    /** @return the count for the key, 0 if absent. */
    int get(final long key, final int part)
    {
        final int index = find(key, part);
        return index < 0 ? 0 : counts[index];
    }

    /** @return true if the key has an entry. */
    boolean contains(final long key, final int part)
    {
        return find(key, part) >= 0;
    }

    /**
     * Adds {@code delta} to the count of a key, creating the entry if absent and removing it when
     * the count reaches zero. The caller checks {@link #remaining()} before adding a new key.
     *
     * @return the new count.
     */
    int add(final long key, final int part, final int delta)
    {
        int index = hash(key, part);
        while (counts[index] != EMPTY)
        {
            if (keys[index] == key && parts[index] == part)
            {
                final int count = counts[index] + delta;
                if (count < 0)
                {
                    throw new InvariantViolation("counter for " + key + "/" + part + " would go negative: " + count);
                }
                if (count == 0)
                {
                    removeAt(index);
                }
                else
                {
                    counts[index] = count;
                }
                return count;
            }
            index = (index + 1) & mask;
        }
        if (delta <= 0)
        {
            throw new InvariantViolation("counter for " + key + "/" + part + " is absent, cannot add " + delta);
        }
        if (size == maxEntries)
        {
            throw new InvariantViolation("counter table full: the caller must check remaining() first");
        }
        keys[index] = key;
        parts[index] = part;
        counts[index] = delta;
        size++;
        return delta;
    }

    /** Visits every entry in table order (not a canonical order). */
    void forEach(final EntryConsumer consumer)
    {
        for (int i = 0; i < counts.length; i++)
        {
            if (counts[i] != EMPTY)
            {
                consumer.accept(keys[i], parts[i], counts[i]);
            }
        }
    }

    /** Removes every entry. */
    void clear()
    {
        java.util.Arrays.fill(counts, EMPTY);
        size = 0;
    }

    private int find(final long key, final int part)
    {
        int index = hash(key, part);
        while (counts[index] != EMPTY)
        {
            if (keys[index] == key && parts[index] == part)
            {
                return index;
            }
            index = (index + 1) & mask;
        }
        return -1;
    }

    private int hash(final long key, final int part)
    {
        return Hashing.index(key * 31 + part, mask);
    }

    private void removeAt(final int removed)
    {
        int hole = removed;
        int index = (removed + 1) & mask;
        while (counts[index] != EMPTY)
        {
            final int home = hash(keys[index], parts[index]);
            // move the entry into the hole unless its home lies cyclically in (hole, index]
            if (((index - home) & mask) >= ((index - hole) & mask))
            {
                keys[hole] = keys[index];
                parts[hole] = parts[index];
                counts[hole] = counts[index];
                hole = index;
            }
            index = (index + 1) & mask;
        }
        counts[hole] = EMPTY;
        size--;
    }

    /** Receives one entry of {@link #forEach}. */
    @FunctionalInterface
    interface EntryConsumer
    {
        void accept(long key, int part, int count);
    }
}
