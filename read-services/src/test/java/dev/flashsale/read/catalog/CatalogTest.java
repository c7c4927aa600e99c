package dev.flashsale.read.catalog;

import dev.flashsale.read.JournaledNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Availability written once per SKU and batch: the same records as one event at a time, and in-stock flips told once. */
@Timeout(60)
class CatalogTest
{
    @TempDir
    Path work;

    @Test
    void aBatchWritesEachSkuOnceWithTheSameResultAsOneEventAtATime()
    {
        final Path data = work.resolve("data");
        try (JournaledNode node = new JournaledNode(data))
        {
            node.upsertSku("HOT", 5);
            node.upsertSku("COLD", 3);
            for (int customer = 1; customer <= 5; customer++)
            {
                node.reserve(customer, "HOT", 1); // sells HOT out
            }
            node.reserve(6, "COLD", 2);
            try (Catalog batched = Catalog.open(data, work.resolve("batched"), 100);
                 Catalog single = Catalog.open(data, work.resolve("single"), 100))
            {
                final List<String> told = new ArrayList<>();
                batched.onChange(told::add);
                assertThat(batched.poll(1_000)).isPositive();
                assertThat(batched.poll(1_000)).as("one batch held every event").isZero();
                while (single.poll(1) > 0)
                {
                    // one event per batch: the way every event was written before batches
                }
                for (final String sku : List.of("HOT", "COLD"))
                {
                    assertThat(batched.availability(sku)).as(sku).isEqualTo(single.availability(sku));
                }
                assertThat(batched.availability("HOT")).isEqualTo(new Availability(5, 0, 5, 0, false));
                assertThat(batched.availability("COLD")).isEqualTo(new Availability(3, 1, 2, 0, false));
                assertThat(batched.position()).isEqualTo(single.position());
                assertThat(batched.lastEngineTimeMs()).isPositive().isEqualTo(single.lastEngineTimeMs());
                // HOT appeared and sold out within the batch: out of stock before and after, nothing to tell.
                assertThat(told).containsExactly("COLD");

                node.upsertSku("HOT", 10);
                told.clear();
                assertThat(batched.poll(1_000)).isPositive();
                assertThat(batched.availability("HOT").available()).isEqualTo(5);
                assertThat(told).containsExactly("HOT");
                batched.closeFeed();
                single.closeFeed();
            }
        }
    }
}
