package dev.flashsale.read;

import dev.flashsale.read.orders.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read services started again on stores that already hold a position (a node restarted with
 * history): the projections resume there and follow what the node does next. The journal's tailer
 * is positioned at start and then read by the projection thread; with Chronicle's single-thread
 * checks on, as in production, a tailer touched by two threads stops the projections.
 */
@Timeout(60)
class ReadServicesRestartTest
{
    @TempDir
    Path work;

    @Test
    void projectionsResumeWhereTheyStoppedAndFollowNewEvents()
    {
        final Path data = work.resolve("data");
        final Path stores = work.resolve("read");
        try (JournaledNode node = new JournaledNode(data))
        {
            node.upsertSku("TEE", 10);
            node.reserve(1, "TEE", 1);
            try (ReadServices services = ReadServices.start(data, stores, 1_000, 100))
            {
                await(() -> services.orders().orders(1).size() == 1, "the first order reaches the history");
            }
            for (int restart = 1; restart <= 2; restart++)
            {
                final long customer = 1 + restart;
                final int held = 1 + 2 * restart;
                try (ReadServices services = ReadServices.start(data, stores, 1_000, 100))
                {
                    assertThat(services.orders().position().inputSequence()).as("resumed where it stopped").isPositive();
                    node.reserve(customer, "TEE", 2);
                    await(() -> services.orders().orders(customer).size() == 1 || services.failure() != null,
                        "an order made after the restart reaches the history");
                    assertThat(services.failure()).as("the projections still run").isNull();
                    final List<Order> orders = services.orders().orders(customer);
                    assertThat(orders).extracting(Order::state).containsExactly("HELD");
                    await(() -> services.catalog().availability("TEE").held() == held,
                        "the catalog follows the new hold");
                    final StringBuilder metrics = new StringBuilder();
                    services.renderMetrics(metrics, node.appliedSequence(), System.currentTimeMillis());
                    assertThat(metrics.toString()).contains("flashsale_projection_up{projection=\"orders\"} 1",
                        "flashsale_projection_up{projection=\"catalog\"} 1");
                }
            }
        }
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
