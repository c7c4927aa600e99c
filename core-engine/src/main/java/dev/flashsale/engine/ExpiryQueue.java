package dev.flashsale.engine;

import java.util.Arrays;

/**
 * The live holds ordered by {@code (expiresAtMs, checkoutId)}: a binary min-heap of checkout slots,
 * sized once for the checkout capacity, with each slot's heap position so confirm and cancel remove
 * in O(log n).
 *
 * <p>A total order on unique keys makes the expiry order a function of the set of holds alone, so
 * a restored snapshot expires in exactly the order of the uninterrupted run, whatever the heap's
 * internal layout. New holds usually carry the latest expiry, so an insert rarely sifts. Keys are
 * copied into the heap arrays to keep the sift loops on two cache-friendly arrays.
 */
final class ExpiryQueue
{
    private final int[] heapSlots;
    private final long[] heapExpiresAtMs;
    private final long[] heapIds;
    private final int[] positions;
    private int size;

    ExpiryQueue(final int capacity)
    {
        heapSlots = new int[capacity];
        heapExpiresAtMs = new long[capacity];
        heapIds = new long[capacity];
        positions = new int[capacity];
        Arrays.fill(positions, -1);
    }

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    /** @return the slot that expires first; the queue must not be empty. */
    int peekSlot()
    {
        return heapSlots[0];
    }

    /** @return the expiry of the first slot; the queue must not be empty. */
    long peekExpiresAtMs()
    {
        return heapExpiresAtMs[0];
    }

    void add(final int slot, final long expiresAtMs, final long checkoutId)
    {
        if (positions[slot] != -1)
        {
            throw new InvariantViolation("checkout slot " + slot + " queued for expiry twice");
        }
        final int position = size++;
        place(position, slot, expiresAtMs, checkoutId);
        siftUp(position);
    }

    void remove(final int slot)
    {
        final int position = positions[slot];
        if (position == -1)
        {
            throw new InvariantViolation("checkout slot " + slot + " is not queued for expiry");
        }
        positions[slot] = -1;
        final int last = --size;
        if (position != last)
        {
            place(position, heapSlots[last], heapExpiresAtMs[last], heapIds[last]);
            siftDown(position);
            siftUp(position);
        }
    }

    boolean contains(final int slot)
    {
        return positions[slot] != -1;
    }

    /** Empties the queue before a restore. */
    void clear()
    {
        for (int i = 0; i < size; i++)
        {
            positions[heapSlots[i]] = -1;
        }
        size = 0;
    }

    private void siftUp(final int start)
    {
        int position = start;
        final int slot = heapSlots[position];
        final long expiresAtMs = heapExpiresAtMs[position];
        final long id = heapIds[position];
        while (position > 0)
        {
            final int parent = (position - 1) >>> 1;
            if (!before(expiresAtMs, id, heapExpiresAtMs[parent], heapIds[parent]))
            {
                break;
            }
            place(position, heapSlots[parent], heapExpiresAtMs[parent], heapIds[parent]);
            position = parent;
        }
        place(position, slot, expiresAtMs, id);
    }

    private void siftDown(final int start)
    {
        int position = start;
        final int slot = heapSlots[position];
        final long expiresAtMs = heapExpiresAtMs[position];
        final long id = heapIds[position];
        final int half = size >>> 1;
        while (position < half)
        {
            int child = 2 * position + 1;
            final int right = child + 1;
            if (right < size && before(heapExpiresAtMs[right], heapIds[right], heapExpiresAtMs[child], heapIds[child]))
            {
                child = right;
            }
            if (!before(heapExpiresAtMs[child], heapIds[child], expiresAtMs, id))
            {
                break;
            }
            place(position, heapSlots[child], heapExpiresAtMs[child], heapIds[child]);
            position = child;
        }
        place(position, slot, expiresAtMs, id);
    }

    private void place(final int position, final int slot, final long expiresAtMs, final long id)
    {
        heapSlots[position] = slot;
        heapExpiresAtMs[position] = expiresAtMs;
        heapIds[position] = id;
        positions[slot] = position;
    }

    private static boolean before(final long expiresA, final long idA, final long expiresB, final long idB)
    {
        return expiresA < expiresB || (expiresA == expiresB && idA < idB);
    }
}
