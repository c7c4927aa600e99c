package dev.flashsale.read;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.JournalDoorbell;
import dev.flashsale.journal.NodeJournal;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A small journaled node for the read services' tests: commands in, event journal out. */
public final class JournaledNode implements AutoCloseable
{
    private final NodeJournal journal;
    private final Pipeline pipeline;
    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[1024]);

    public JournaledNode(final Path data, final OutputStage... moreStages)
    {
        final EngineConfig engine = new EngineConfig().customerCapacity(1_000).checkoutCapacity(1_000).idempotencyCapacity(1_000)
            .customerOverflowCapacity(1_000).maxSkus(100);
        journal = NodeJournal.open(data, engine, new JournalConfig().snapshotEveryInputs(0).minFreeBytes(0), line -> { });
        final List<OutputStage> stages = new ArrayList<>(List.of(journal.eventWriter()));
        stages.addAll(List.of(moreStages));
        pipeline = new Pipeline(journal.engine(), new PipelineConfig().tickIntervalMs(0), List.of(journal.journaller()), stages,
            new SystemEpochClock(), (stage, cause) -> { });
    }

    /** @return what the node's event writer rings after each batch. */
    public JournalDoorbell eventDoorbell()
    {
        return journal.eventDoorbell();
    }

    public CommandWriter writer()
    {
        return writer;
    }

    public UnsafeBuffer command()
    {
        return command;
    }

    /** Publishes the command in {@link #command()} and waits until the engine applied it. */
    public void publish(final int length, final long correlation)
    {
        long sequence;
        while ((sequence = pipeline.tryPublish(command, 0, length, correlation)) == Pipeline.RING_FULL)
        {
            Thread.onSpinWait();
        }
        assertThat(sequence).isPositive();
        assertThat(pipeline.awaitApplied(sequence, 10_000)).isTrue();
    }

    public void upsertSku(final String sku, final int stock)
    {
        publish(writer.upsertSku(command, 0, sku, stock, 100, 1_000, "EUR", 0, Long.MAX_VALUE / 2), 0);
    }

    public void reserve(final long customer, final String sku, final int quantity)
    {
        publish(writer.reserve(command, 0, 1, customer, 0, "k-" + customer + "-" + sku + "-" + System.nanoTime(), sku, quantity), 0);
    }

    public long appliedSequence()
    {
        return pipeline.appliedSequence();
    }

    @Override
    public void close()
    {
        assertThat(pipeline.shutdown()).isTrue();
        journal.close();
    }
}
