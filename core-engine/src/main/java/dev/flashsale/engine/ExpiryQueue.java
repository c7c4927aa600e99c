package dev.flashsale.engine;

import java.util.Arrays;

/**
 * The live holds ordered by {@code (expiresAtMs, checkoutId)}: a binary min-heap, sized once for
 * the checkout capacity, with each slot's heap position so confirm and cancel remove in O(log n).
 *
 * <p>A heap node is two adjacent longs, {@code expiresAtMs} and the checkout id (whose low bits are
 * the slot), so a sift step reads one cache line per node. A total order on unique keys makes the
 * expiry order a function of the set of holds alone: a restored snapshot expires in exactly the
 * order of the uninterrupted run, whatever the heap's layout. New holds usually carry the latest
 * expiry, so an insert rarely sifts.
 */
final class ExpiryQueue
{
    private final long[] heap;
    private final int[] positions;
    private int size;

    ExpiryQueue(final int capacity)
    {
        heap = new long[capacity * 2];
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
        return slotOf(heap[1]);
    }

    /** @return the expiry of the first slot; the queue must not be empty. */
    long peekExpiresAtMs()
    {
        return heap[0];
    }

    void add(final long expiresAtMs, final long checkoutId)
    {
        final int slot = slotOf(checkoutId);
        if (positions[slot] != -1)
        {
            throw new InvariantViolation("checkout slot " + slot + " queued for expiry twice");
        }
        siftUp(size++, expiresAtMs, checkoutId);
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
            final long expiresAtMs = heap[last * 2];
            final long id = heap[last * 2 + 1];
            if (position > 0 && before(expiresAtMs, id, heap[parent(position) * 2], heap[parent(position) * 2 + 1]))
            {
                siftUp(position, expiresAtMs, id);
            }
            else
            {
                siftDown(position, expiresAtMs, id);
            }
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
            positions[slotOf(heap[i * 2 + 1])] = -1;
        }
        size = 0;
    }

    private void siftUp(final int start, final long expiresAtMs, final long id)
    {
        int position = start;
        while (position > 0)
        {
            final int parent = parent(position);
            if (!before(expiresAtMs, id, heap[parent * 2], heap[parent * 2 + 1]))
            {
                break;
            }
            place(position, heap[parent * 2], heap[parent * 2 + 1]);
            position = parent;
        }
        place(position, expiresAtMs, id);
    }

    private void siftDown(final int start, final long expiresAtMs, final long id)
    {
        int position = start;
        final int half = size >>> 1;
        while (position < half)
        {
            int child = 2 * position + 1;
            final int right = child + 1;
            if (right < size && before(heap[right * 2], heap[right * 2 + 1], heap[child * 2], heap[child * 2 + 1]))
            {
                child = right;
            }
            if (!before(heap[child * 2], heap[child * 2 + 1], expiresAtMs, id))
            {
                break;
            }
            place(position, heap[child * 2], heap[child * 2 + 1]);
            position = child;
        }
        place(position, expiresAtMs, id);
    }

    private void place(final int position, final long expiresAtMs, final long id)
    {
        heap[position * 2] = expiresAtMs;
        heap[position * 2 + 1] = id;
        positions[slotOf(id)] = position;
    }

    private static int parent(final int position)
    {
        return (position - 1) >>> 1;
    }

    private static int slotOf(final long checkoutId)
    {
        return (int)(checkoutId & CheckoutStore.SLOT_MASK);
    }

    private static boolean before(final long expiresA, final long idA, final long expiresB, final long idB)
    {
        return expiresA < expiresB || (expiresA == expiresB && idA < idB);
    }
}
