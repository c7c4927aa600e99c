package dev.flashsale.engine;

/**
 * Stored outcomes of successful reserves, keyed by {@code (clientId, customerId, key)}, so that a
 * retried request gets the original result instead of a second hold.
 *
 * <p>Only reserves that created a hold are stored: a refused request changed nothing, so running
 * it again is safe and lets a retry succeed once stock returns. The key is kept as a 128-bit hash
 * of its 64 bytes; client and customer are compared exactly, so a collision could only mix up two
 * keys of the same customer (odds about 2^-128 per pair). A request fingerprint (hold TTL and
 * lines) tells a true retry from a reused key.
 *
 * <p>Entries live in a ring in creation order, which is engine-time order, so retention evicts
 * from the head; an open-addressing index (ring position + 1, 0 = empty) finds them. Both are
 * sized once for {@code idempotencyCapacity}. Owned by the engine thread.
 *
 * <p>The table also counts the keys of each customer, so that one customer's bound
 * ({@code maxKeysPerCustomer}) can be checked in O(1). The counts change only with the entries
 * (add, evict, clear), so they are a function of them: a snapshot stores the entries and the
 * counts come back as the entries are restored.
 */
final class IdempotencyTable
{
    private final int capacity;
    private final int[] index;
    private final int mask;

    private final int[] clientIds;
    private final long[] customerIds;
    private final long[] keyHashHigh;
    private final long[] keyHashLow;
    private final long[] fingerprints;
    private final long[] checkoutIds;
    private final long[] createdAtMs;
    private final long[] expiresAtMs;
    /** Keys per customer, under part 0; a customer with no key has no entry. */
    private final CounterTable keysPerCustomer;
    private int head;
    private int size;

    IdempotencyTable(final int capacity)
    {
        this.capacity = capacity;
        final int tableSize = Hashing.tableSizeFor(capacity);
        index = new int[tableSize];
        mask = tableSize - 1;
        clientIds = new int[capacity];
        customerIds = new long[capacity];
        keyHashHigh = new long[capacity];
        keyHashLow = new long[capacity];
        fingerprints = new long[capacity];
        checkoutIds = new long[capacity];
        createdAtMs = new long[capacity];
        expiresAtMs = new long[capacity];
        keysPerCustomer = new CounterTable(capacity); // a customer with an entry has a key: never more than keys
    }

    int size()
    {
        return size;
    }

    boolean isFull()
    {
        return size == capacity;
    }

    /** @return the keys the table holds for a customer, whatever the client. */
    int keysOf(final long customerId)
    {
        return keysPerCustomer.get(customerId, 0);
    }

    /** @return customers with at least one key. */
    int customers()
    {
        return keysPerCustomer.size();
    }

    /** @return the ring position of the entry, or -1. */
    int find(final int clientId, final long customerId, final long keyHigh, final long keyLow)
    {
        int slot = hash(clientId, customerId, keyHigh, keyLow);
        int entry;
        while ((entry = index[slot]) != 0)
        {
            final int position = entry - 1;
            if (keyHashHigh[position] == keyHigh && keyHashLow[position] == keyLow &&
                customerIds[position] == customerId && clientIds[position] == clientId)
            {
                return position;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /** Appends an entry; the caller checked that the key is absent and the table not full. */
    void add(
        final int clientId,
        final long customerId,
        final long keyHigh,
        final long keyLow,
        final long fingerprint,
        final long checkoutId,
        final long createdAtMs,
        final long expiresAtMs)
    {
        if (size == capacity)
        {
            throw new InvariantViolation("idempotency table full: the caller must check isFull() first");
        }
        int position = head + size;
        if (position >= capacity)
        {
            position -= capacity;
        }
        clientIds[position] = clientId;
        customerIds[position] = customerId;
        keyHashHigh[position] = keyHigh;
        keyHashLow[position] = keyLow;
        fingerprints[position] = fingerprint;
        checkoutIds[position] = checkoutId;
        this.createdAtMs[position] = createdAtMs;
        this.expiresAtMs[position] = expiresAtMs;
        int slot = hash(clientId, customerId, keyHigh, keyLow);
        while (index[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }
        index[slot] = position + 1;
        size++;
        keysPerCustomer.add(customerId, 0, 1);
    }

    /** @return the creation time of the oldest entry; the table must not be empty. */
    long oldestCreatedAtMs()
    {
        return createdAtMs[head];
    }

    /** Removes the oldest entry. */
    void evictOldest()
    {
        final int position = head;
        int slot = hash(clientIds[position], customerIds[position], keyHashHigh[position], keyHashLow[position]);
        while (index[slot] != position + 1)
        {
            slot = (slot + 1) & mask;
        }
        removeIndexAt(slot);
        keysPerCustomer.add(customerIds[position], 0, -1);
        head = head + 1 == capacity ? 0 : head + 1;
        size--;
    }

    long fingerprint(final int position)
    {
        return fingerprints[position];
    }

    long checkoutId(final int position)
    {
        return checkoutIds[position];
    }

    long createdAtMs(final int position)
    {
        return createdAtMs[position];
    }

    long expiresAtMs(final int position)
    {
        return expiresAtMs[position];
    }

    int clientId(final int position)
    {
        return clientIds[position];
    }

    long customerId(final int position)
    {
        return customerIds[position];
    }

    long keyHashHigh(final int position)
    {
        return keyHashHigh[position];
    }

    long keyHashLow(final int position)
    {
        return keyHashLow[position];
    }

    /** @return the ring position of the n-th oldest entry, 0 = oldest. */
    int positionOf(final int age)
    {
        final int position = head + age;
        return position >= capacity ? position - capacity : position;
    }

    /** Empties the table before a restore. */
    void clear()
    {
        java.util.Arrays.fill(index, 0);
        keysPerCustomer.clear();
        head = 0;
        size = 0;
    }

    private int hash(final int clientId, final long customerId, final long keyHigh, final long keyLow)
    {
        long h = Hashing.step(Hashing.SEED, keyHigh);
        h = Hashing.step(h, keyLow);
        h = Hashing.step(h, customerId);
        h = Hashing.step(h, clientId);
        return (int)Hashing.finish(h) & mask;
    }

    private void removeIndexAt(final int removed)
    {
        int hole = removed;
        int slot = (removed + 1) & mask;
        int entry;
        while ((entry = index[slot]) != 0)
        {
            final int position = entry - 1;
            final int home = hash(clientIds[position], customerIds[position], keyHashHigh[position], keyHashLow[position]);
            if (((slot - home) & mask) >= ((slot - hole) & mask))
            {
                index[hole] = entry;
                hole = slot;
            }
            slot = (slot + 1) & mask;
        }
        index[hole] = 0;
    }
}
