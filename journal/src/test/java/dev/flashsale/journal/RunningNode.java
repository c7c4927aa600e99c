package dev.flashsale.journal;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.engine.testing.Cmd;
import dev.flashsale.engine.testing.CommandGenerator;
import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.OutDecoder;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A journaled pipeline for tests: a node journal, a pipeline with its journaller and event writer,
 * and an output stage that keeps every event, driven by a seeded command generator on a clock the
 * test moves.
 */
public final class RunningNode implements AutoCloseable
{
    public static final EngineConfig ENGINE = new EngineConfig().maxSkus(16).checkoutCapacity(2_000).customerCapacity(2_000)
        .customerOverflowCapacity(500).idempotencyCapacity(1_000).minHoldTtlMs(100).maxHoldTtlMs(60_000)
        .defaultHoldTtlMs(5_000);

    public final NodeJournal journal;
    public final Pipeline pipeline;
    final List<Out> events = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final AtomicReference<String> failure = new AtomicReference<>();
    private final java.util.Queue<long[]> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private volatile long timeMs = 1_700_000_000_000L; // read by the snapshotter's thread too

    public RunningNode(final Path directory, final JournalConfig config)
    {
        journal = NodeJournal.open(directory, ENGINE, config, log::add);
        journal.startSnapshots(clock(), new Snapshotter.Listener()
        {
            @Override
            public void onSnapshot(final Path file, final long inputSequence, final long writeMs)
            {
                log.add("snapshot " + inputSequence);
            }

            @Override
            public void onFailure(final String what, final Throwable cause)
            {
                failure.compareAndSet(null, what + ": " + cause);
            }
        });
        pipeline = new Pipeline(journal.engine(), new PipelineConfig().tickIntervalMs(0),
            List.of(journal.journaller()), List.of(journal.eventWriter(), new EventCollector()), clock(),
            () -> timeMs * 1_000_000L, (stage, cause) -> failure.compareAndSet(null, stage + ": " + cause.getMessage()));
    }

    private EpochClock clock()
    {
        return () -> timeMs;
    }

    /** Publishes {@code count} generated commands (a setup first if the journal is new). */
    public long drive(final CommandGenerator generator, final int count, final boolean setup)
    {
        long last = 0;
        final List<Cmd> setupCommands = setup ? generator.setup() : List.of();
        for (int i = 0; i < setupCommands.size() + count; i++)
        {
            long[] checkout;
            while ((checkout = held.poll()) != null)
            {
                generator.held(checkout[0], checkout[0], checkout[1]);
            }
            final Cmd cmd = i < setupCommands.size() ? setupCommands.get(i) : generator.next();
            timeMs = Math.max(timeMs, generator.nextTimeMs());
            final int length = cmd.encode(writer, buffer);
            long sequence;
            while ((sequence = pipeline.tryPublish(buffer, 0, length, 0)) == Pipeline.RING_FULL)
            {
                Thread.onSpinWait();
            }
            if (sequence < 0)
            {
                throw new IllegalStateException("refused: " + sequence + " " + failure.get());
            }
            last = sequence;
        }
        if (!pipeline.awaitApplied(last, 30_000))
        {
            throw new IllegalStateException("not applied: " + failure.get());
        }
        return last;
    }

    /** Moves the node's clock (the pipeline's and the snapshotter's) {@code ms} ahead. */
    public void advanceClock(final long ms)
    {
        timeMs += ms;
    }

    /** Stops the pipeline and closes the journal; the engine can be read afterwards. */
    @Override
    public void close()
    {
        pipeline.shutdown();
        journal.close();
    }

    private final class EventCollector implements OutputStage
    {
        private final OutDecoder decoder = new OutDecoder();

        @Override
        public String name()
        {
            return "collector";
        }

        @Override
        public void onSlot(final OutputSlot slot, final boolean endOfBatch)
        {
            if (!slot.isResult())
            {
                final Out out = decoder.decode(slot.buffer(), 0, slot.length());
                synchronized (events)
                {
                    events.add(out);
                }
                if (out instanceof Out.CheckoutHeld h)
                {
                    held.add(new long[] {h.checkoutId(), h.customerId()});
                }
            }
        }
    }
}
