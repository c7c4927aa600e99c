package dev.flashsale.gateway;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

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
}
