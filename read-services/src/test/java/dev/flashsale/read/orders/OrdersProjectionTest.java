package dev.flashsale.read.orders;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.NodeJournal;
import dev.flashsale.read.feed.EventPosition;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Events in, order histories out: a full apply, a restart in the middle, a lost position, a rebuild. */
@Timeout(60)
class OrdersProjectionTest
{
    @TempDir
    Path work;

    private Path data;
    private final Map<Long, Long> checkoutOf = new ConcurrentHashMap<>(); // correlation id -> checkout id
    private long correlation = 1;

    @BeforeEach
    void sellSomething()
    {
        data = work.resolve("data");
        sell((pipeline, writer, command) ->
        {
            publish(pipeline, command, writer.upsertSku(command, 0, "TEE", 100, 50, 1_999, "EUR", 0, Long.MAX_VALUE / 2), 0);
            publish(pipeline, command, writer.upsertSku(command, 0, "CAP", 100, 50, 999, "EUR", 0, Long.MAX_VALUE / 2), 0);
            for (long customer = 1; customer <= 30; customer++)
            {
                final long reserve = correlation++;
                publish(pipeline, command, writer.reserve(command, 0, 1, customer, 0, "k" + customer,
                    new CharSequence[] {"TEE", "CAP"}, new int[] {1, (int)(customer % 3) + 1}, 2), reserve);
                final long checkout = awaitCheckout(reserve);
                if (customer % 3 == 0)
                {
                    publish(pipeline, command, writer.confirm(command, 0, customer, checkout, "pay-" + customer), correlation++);
                }
                else if (customer % 3 == 1)
                {
                    publish(pipeline, command, writer.cancel(command, 0, customer, checkout), correlation++);
                }
            }
            final long again = correlation++;
            publish(pipeline, command, writer.reserve(command, 0, 1, 3, 0, "k3-again", "CAP", 2), again);
        });
    }

    /** Some inputs through a node on {@link #data} (recovered from what is there), then an orderly stop. */
    private void sell(final Sale sale)
    {
        final EngineConfig engine = new EngineConfig().customerCapacity(1_000).checkoutCapacity(1_000).idempotencyCapacity(1_000)
            .customerOverflowCapacity(1_000).maxSkus(10);
        try (NodeJournal journal = NodeJournal.open(data, engine, new JournalConfig().snapshotEveryInputs(0).minFreeBytes(0),
            line -> { }))
        {
            final Pipeline pipeline = new Pipeline(journal.engine(), new PipelineConfig().tickIntervalMs(0),
                List.of(journal.journaller()), List.of(journal.eventWriter(), new CheckoutIds()), new SystemEpochClock(),
                (stage, cause) -> { });
            sale.run(pipeline, new CommandWriter(), new UnsafeBuffer(new byte[1024]));
            assertThat(pipeline.shutdown()).isTrue();
        }
    }

    @FunctionalInterface
    private interface Sale
    {
        void run(Pipeline pipeline, CommandWriter writer, UnsafeBuffer command);
    }

    private static void publish(final Pipeline pipeline, final UnsafeBuffer command, final int length, final long correlation)
    {
        long sequence;
        while ((sequence = pipeline.tryPublish(command, 0, length, correlation)) == Pipeline.RING_FULL)
        {
            Thread.onSpinWait();
        }
        assertThat(sequence).isPositive();
        assertThat(pipeline.awaitApplied(sequence, 10_000)).isTrue();
    }

    private long awaitCheckout(final long correlation)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!checkoutOf.containsKey(correlation) && System.nanoTime() < deadline)
        {
            Thread.onSpinWait(); // the output stage sees the result just after the engine applied it
        }
        assertThat(checkoutOf).containsKey(correlation);
        return checkoutOf.get(correlation);
    }

    @Test
    void projectsEveryCustomersOrders()
    {
        try (OrdersProjection projection = OrdersProjection.open(data, work.resolve("orders.dat"), 1_000))
        {
            drain(projection);
            final List<Order> three = projection.orders(3);
            assertThat(three).extracting(Order::state).containsExactly("HELD", "CONFIRMED");
            assertThat(three.get(1).lines()).containsExactly(new Order.Line("TEE", 1, 1_999, "EUR"),
                new Order.Line("CAP", 1, 999, "EUR"));
            assertThat(three.get(0).lines()).containsExactly(new Order.Line("CAP", 2, 999, "EUR"));
            assertThat(projection.orders(1)).extracting(Order::state).containsExactly("RELEASED");
            assertThat(projection.orders(2)).extracting(Order::state).containsExactly("HELD");
            assertThat(projection.orders(2).get(0).expiresAtMs()).isGreaterThan(projection.orders(2).get(0).createdAtMs());
            assertThat(projection.orders(999)).isEmpty();
            assertThat(projection.lastEngineTimeMs()).isPositive();
        }
    }

    @Test
    void aRestartInTheMiddleResumesWithoutLossOrDoubleApply()
    {
        final Map<Long, List<Order>> whole = project(work.resolve("whole.dat"), Integer.MAX_VALUE);
        final Path store = work.resolve("stepwise.dat");
        EventPosition stoppedAt;
        try (OrdersProjection projection = OrdersProjection.open(data, store, 1_000))
        {
            projection.poll(25); // part of the journal, then a stop
            stoppedAt = projection.position();
        }
        assertThat(stoppedAt.inputSequence()).isPositive();
        try (OrdersProjection projection = OrdersProjection.open(data, store, 1_000))
        {
            assertThat(projection.position()).isEqualTo(stoppedAt);
            drain(projection);
            assertThat(snapshot(projection)).isEqualTo(whole);
        }
    }

    @Test
    void eventsAppliedButNotRecordedAsAppliedAreNotAppliedTwice()
    {
        final Map<Long, List<Order>> whole = project(work.resolve("whole.dat"), Integer.MAX_VALUE);
        final Path store = work.resolve("crashed.dat");
        try (OrdersProjection projection = OrdersProjection.open(data, store, 1_000))
        {
            drain(projection);
            projection.savePosition(EventPosition.START); // as if the process died before saving its position
        }
        try (OrdersProjection projection = OrdersProjection.open(data, store, 1_000))
        {
            drain(projection);
            assertThat(snapshot(projection)).isEqualTo(whole);
        }
    }

    @Test
    void aRebuiltEventJournalIsProjectedAgainFromScratch() throws Exception
    {
        final Path store = work.resolve("rebuilt.dat");
        final Map<Long, List<Order>> before;
        try (OrdersProjection projection = OrdersProjection.open(data, store, 1_000))
        {
            drain(projection);
            before = snapshot(projection);
        }
        // Rebuilding packs the events into other documents: the saved Chronicle index names something else now.
        dev.flashsale.journal.tools.JournalTools.rebuildEvents(data, new java.io.PrintWriter(java.io.Writer.nullWriter()));
        try (OrdersProjection projection = OrdersProjection.open(data, store, 1_000))
        {
            drain(projection);
            assertThat(snapshot(projection)).as("the same histories, nothing applied twice or missed").isEqualTo(before);
        }
    }

    @Test
    void aRebuildFromScratchGivesTheSameStore()
    {
        assertThat(project(work.resolve("a.dat"), 7)).isEqualTo(project(work.resolve("b.dat"), Integer.MAX_VALUE));
    }

    @Test
    void aRecordStoredAfterALongerOneHoldsZerosPastItsOrdersNotTheOthersBytes()
    {
        sell((pipeline, writer, command) ->
        {
            for (int i = 0; i < 6; i++) // customer 3's history grows long
            {
                publish(pipeline, command, writer.reserve(command, 0, 1, 3, 0, "k3-more-" + i,
                    new CharSequence[] {"TEE", "CAP"}, new int[] {1, 1}, 2), correlation++);
            }
            publish(pipeline, command, writer.reserve(command, 0, 1, 5, 0, "k5-again", "CAP", 1), correlation++);
        });
        try (OrdersProjection projection = OrdersProjection.open(data, work.resolve("orders.dat"), 1_000))
        {
            drain(projection); // one poll: customer 5's record is made in the array customer 3's just left
            assertThat(projection.orders(3)).hasSize(8);
            assertThat(projection.orders(5)).hasSize(2);
            final UnsafeBuffer stored = new UnsafeBuffer(projection.storedRecord(5));
            final int length = OrderHistory.length(stored);
            assertThat(stored.capacity()).isGreaterThan(length);
            for (int i = length; i < stored.capacity(); i++)
            {
                assertThat(stored.getByte(i)).as("byte %d of %d past the orders", i, stored.capacity()).isZero();
            }
        }
    }

    private Map<Long, List<Order>> project(final Path store, final int batch)
    {
        try (OrdersProjection projection = OrdersProjection.open(data, store, 1_000))
        {
            while (projection.poll(batch) > 0)
            {
                // until the end of the journal
            }
            return snapshot(projection);
        }
    }

    private static void drain(final OrdersProjection projection)
    {
        while (projection.poll(1_000) > 0)
        {
            // until the end of the journal
        }
    }

    private static Map<Long, List<Order>> snapshot(final OrdersProjection projection)
    {
        final Map<Long, List<Order>> orders = new HashMap<>();
        for (long customer = 1; customer <= 30; customer++)
        {
            orders.put(customer, projection.orders(customer));
        }
        return orders;
    }

    /** Notes the checkout id of each reserve's result. */
    private final class CheckoutIds implements OutputStage
    {
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final CheckoutResultDecoder result = new CheckoutResultDecoder();

        @Override
        public String name()
        {
            return "checkout-ids";
        }

        @Override
        public void onSlot(final OutputSlot slot, final boolean endOfBatch)
        {
            header.wrap(slot.buffer(), 0);
            if (slot.isResult() && header.templateId() == CheckoutResultDecoder.TEMPLATE_ID && slot.correlationId() != 0)
            {
                result.wrapAndApplyHeader(slot.buffer(), 0, header);
                checkoutOf.put(slot.correlationId(), result.checkoutId());
            }
        }
    }
}
