package dev.flashsale.gateway;

import org.junit.jupiter.api.Test;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class ExchangeTableTest
{
    @Test
    void correlationIdsAreUniqueAndStaleOnesFindNothing()
    {
        final ExchangeTable table = new ExchangeTable(4);
        final Set<Long> seen = new HashSet<>();
        for (int round = 0; round < 100; round++)
        {
            final Exchange exchange = table.acquire();
            final long id = exchange.correlationId();
            assertThat(id).isPositive();
            assertThat(seen.add(id)).isTrue();
            assertThat(table.waiting(id)).as("claimed, not yet armed: nobody may answer it").isNull();
            exchange.arm();
            assertThat(table.waiting(id)).isSameAs(exchange);
            exchange.release();
            assertThat(table.waiting(id)).as("a released exchange is not waiting").isNull();
        }
        assertThat(table.waiting(0)).isNull();
        assertThat(table.waiting(-5)).isNull();
    }

    @Test
    void runsOutThenRefills()
    {
        final ExchangeTable table = new ExchangeTable(2);
        final Exchange a = table.acquire();
        final Exchange b = table.acquire();
        assertThat(table.acquire()).isNull();
        assertThat(table.waitingCount()).isEqualTo(2);
        a.release();
        assertThat(table.acquire()).isSameAs(a);
        b.release();
    }

    @Test
    void aStaleResultForAReusedSlotChangesNothingAndItsAbandonFreesIt()
    {
        final ExchangeTable table = new ExchangeTable(2);
        final Exchange other = table.acquire();
        final Exchange slot = table.acquire();
        final long staleId = slot.correlationId();
        slot.arm();
        assertThat(table.waiting(staleId)).as("the responder looks it up").isSameAs(slot);
        slot.release(); // meanwhile it timed out, was answered and released
        assertThat(table.acquire()).as("reused by a request whose publish will fail").isSameAs(slot);
        slot.arm();
        final long reusedId = slot.correlationId();
        assertThat(slot.complete(staleId, new UnsafeBuffer(new byte[8]), 8)).as("the stale result").isFalse();
        assertThat(slot.state()).isEqualTo(Exchange.WAITING);
        assertThat(slot.correlationId()).isEqualTo(reusedId);
        slot.abandon();
        assertThat(table.waitingCount()).as("only the other one waits").isEqualTo(1);
        assertThat(table.acquire()).isSameAs(slot);
        assertThat(table.acquire()).isNull();
        other.release();
    }

    /**
     * The responder handing a stale result to a slot over and over while the event loop takes the
     * slot and abandons it (its publish failed), a million times: every abandon must free the slot.
     * Before the state and the id were one word, the responder held the slot for a moment to look
     * at the id, and an abandon in that moment left it taken for good; this lost a slot within the
     * first million on every run.
     */
    @Test
    void anAbandonRacingAStaleCompletionReturnsTheSlotEveryTime() throws Exception
    {
        final ExchangeTable table = new ExchangeTable(2);
        final Exchange slot = table.acquire();
        final long staleId = slot.correlationId();
        slot.arm();
        slot.release();
        final UnsafeBuffer result = new UnsafeBuffer(new byte[8]);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean staleTaken = new AtomicBoolean();
        final Thread responder = new Thread(() ->
        {
            while (!stop.get())
            {
                if (slot.complete(staleId, result, 8))
                {
                    staleTaken.set(true);
                }
            }
        });
        responder.start();
        try
        {
            for (int i = 0; i < 1_000_000; i++)
            {
                final Exchange exchange = table.acquire();
                exchange.arm();
                exchange.abandon();
                if (table.waitingCount() != 0)
                {
                    throw new AssertionError("abandon " + i + " left its slot taken");
                }
            }
        }
        finally
        {
            stop.set(true);
            responder.join();
        }
        assertThat(staleTaken).as("a stale result never completes an exchange").isFalse();
    }
}
