package dev.flashsale.gateway;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * Every exchange the gateway can have waiting on the engine, allocated once. Event loops take
 * and release; the responder looks up by correlation id. A correlation id is
 * {@code generation * capacity + index + 1}: positive, unique over the life of the process, and
 * mapped back to its slot with a mask.
 */
public final class ExchangeTable
{
    private final Exchange[] exchanges;
    private final int mask;
    private final ManyToManyConcurrentArrayQueue<Exchange> free;

    /** @param capacity most exchanges waiting at once, a power of two. */
    public ExchangeTable(final int capacity)
    {
        if (capacity < 2 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("exchange capacity must be a power of two >= 2: " + capacity);
        }
        exchanges = new Exchange[capacity];
        mask = capacity - 1;
        free = new ManyToManyConcurrentArrayQueue<>(capacity);
        for (int i = 0; i < capacity; i++)
        {
            exchanges[i] = new Exchange(this, i, capacity);
            free.offer(exchanges[i]);
        }
    }

    /** @return a free exchange with a fresh correlation id, or null if all are waiting. */
    Exchange acquire()
    {
        final Exchange exchange = free.poll();
        if (exchange != null)
        {
            exchange.renew();
        }
        return exchange;
    }

    void release(final Exchange exchange)
    {
        free.offer(exchange);
    }

    /** @return the exchange waiting for this correlation id, or null if none is (stale, a tick, another publisher). */
    Exchange waiting(final long correlationId)
    {
        if (correlationId <= 0)
        {
            return null;
        }
        final Exchange exchange = exchanges[(int)((correlationId - 1) & mask)];
        return exchange.waitingFor(correlationId) ? exchange : null;
    }

    /** @return exchanges waiting on the engine now (approximate). */
    public int waitingCount()
    {
        return exchanges.length - free.size();
    }

    public int capacity()
    {
        return exchanges.length;
    }

    /** Fails every exchange still waiting (the pipeline stopped): each is answered 503 on its event loop. */
    void failWaiting()
    {
        for (final Exchange exchange : exchanges)
        {
            exchange.fail();
        }
    }
}
