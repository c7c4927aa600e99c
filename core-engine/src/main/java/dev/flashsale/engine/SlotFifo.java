package dev.flashsale.engine;

/**
 * A first-in first-out ring of ints, sized once. The engine keeps terminal checkouts here in the
 * order they became terminal, which is engine-time order because engine time never goes back:
 * retention evicts from the head.
 */
final class SlotFifo
{
    private final int[] ring;
    private int head;
    private int size;

    SlotFifo(final int capacity)
    {
        ring = new int[Math.max(1, capacity)];
    }

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    void add(final int value)
    {
        if (size == ring.length)
        {
            throw new InvariantViolation("FIFO full: it is sized for every checkout slot");
        }
        int tail = head + size;
        if (tail >= ring.length)
        {
            tail -= ring.length;
        }
        ring[tail] = value;
        size++;
    }

    int peek()
    {
        return ring[head];
    }

    int poll()
    {
        final int value = ring[head];
        head = head + 1 == ring.length ? 0 : head + 1;
        size--;
        return value;
    }

    /** @return the value at a position from the head, 0 = head. */
    int get(final int position)
    {
        int index = head + position;
        if (index >= ring.length)
        {
            index -= ring.length;
        }
        return ring[index];
    }

    void clear()
    {
        head = 0;
        size = 0;
    }
}
