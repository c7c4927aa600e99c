package dev.flashsale.export.kafka;

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
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A journaled node in the test's JVM, driven with a small sale: SKUs, reserves, confirms, cancels,
 * a pause and a resume, sold-out SKUs. Every kind of event but expiry reaches the event journal,
 * which the exporter (in this JVM or another) tails like the read services do.
 */
final class SaleNode implements AutoCloseable
{
    private final NodeJournal journal;
    private final Pipeline pipeline;
    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[1024]);
    private final ConcurrentHashMap<Long, Long> checkoutIds = new ConcurrentHashMap<>();
    private long correlation;

    SaleNode(final Path data)
    {
        final EngineConfig engine = new EngineConfig().customerCapacity(200_000).checkoutCapacity(200_000)
            .idempotencyCapacity(200_000).customerOverflowCapacity(1_000).maxSkus(100);
        journal = NodeJournal.open(data, engine, new JournalConfig().snapshotEveryInputs(0).minFreeBytes(0), line -> { });
        final OutputStage results = new OutputStage()
        {
            private final MessageHeaderDecoder header = new MessageHeaderDecoder();
            private final CheckoutResultDecoder result = new CheckoutResultDecoder();

            @Override
            public String name()
            {
                return "test-results";
            }

            @Override
            public void onSlot(final OutputSlot slot, final boolean endOfBatch)
            {
                if (slot.isResult() && slot.correlationId() > 0)
                {
                    header.wrap(slot.buffer(), 0);
                    final long id = header.templateId() == CheckoutResultDecoder.TEMPLATE_ID ?
                        result.wrapAndApplyHeader(slot.buffer(), 0, header).checkoutId() : 0;
                    checkoutIds.put(slot.correlationId(), id);
                }
            }
        };
        pipeline = new Pipeline(journal.engine(), new PipelineConfig().tickIntervalMs(0), List.of(journal.journaller()),
            List.of(journal.eventWriter(), results), new SystemEpochClock(), (stage, cause) -> { });
    }

    /** Runs a sale of {@code customers} buyers over {@code skus} SKUs of {@code stock} units each. */
    void sale(final long seed, final int skus, final int stock, final int customers, final long firstCustomer)
    {
        final Random random = new Random(seed);
        for (int s = 0; s < skus; s++)
        {
            publish(writer.upsertSku(command, 0, sku(s), stock, 3, 1_000 + s, "EUR", 0, Long.MAX_VALUE / 2));
        }
        for (int c = 0; c < customers; c++)
        {
            final long customer = firstCustomer + c;
            final int s = random.nextInt(skus);
            if (c == customers / 2)
            {
                publish(writer.pauseSale(command, 0, sku(s)));
                publish(writer.resumeSale(command, 0, sku(s)));
            }
            final long checkout = publish(writer.reserve(command, 0, 1, customer, 0, "k" + customer, sku(s), 1 + random.nextInt(2)));
            if (checkout > 0)
            {
                final int fate = random.nextInt(10);
                if (fate < 6)
                {
                    publish(writer.confirm(command, 0, customer, checkout, "pay-" + customer));
                }
                else if (fate < 8)
                {
                    publish(writer.cancel(command, 0, customer, checkout));
                }
            }
        }
    }

    private static String sku(final int s)
    {
        return "SKU-" + s;
    }

    /** @return the checkout id of a checkout result, else 0. */
    private long publish(final int length)
    {
        final long id = ++correlation;
        long sequence;
        while ((sequence = pipeline.tryPublish(command, 0, length, id)) == Pipeline.RING_FULL)
        {
            Thread.onSpinWait();
        }
        if (sequence <= 0)
        {
            throw new IllegalStateException("publish refused: " + sequence);
        }
        Long checkout;
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while ((checkout = checkoutIds.remove(id)) == null)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("no result for input " + sequence);
            }
            Thread.onSpinWait();
        }
        return checkout;
    }

    @Override
    public void close()
    {
        if (!pipeline.shutdown())
        {
            throw new IllegalStateException("the pipeline did not stop");
        }
        journal.close();
    }
}
