package dev.flashsale.engine.pipeline;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class PipelineTest
{
    private static final long CORRELATION_BASE = 1_000;

    private final List<Pipeline> pipelines = new ArrayList<>();
    private final AtomicReference<String> failedStage = new AtomicReference<>();

    @AfterEach
    void closeAll()
    {
        pipelines.forEach(Pipeline::close);
    }

    /**
     * The layout every test runs in; {@link CoreThreadPipelineTest} runs them all again on the core
     * thread, {@link EventLoopPipelineTest} on a loop of its own.
     */
    ThreadLayout layout()
    {
        return ThreadLayout.THREAD_PER_STAGE;
    }

    private Pipeline start(
        final Engine engine, final PipelineConfig config, final List<InputStage> inputs, final List<OutputStage> outputs)
    {
        final Pipeline pipeline = new Pipeline(engine, config.threadLayout(layout()), inputs, outputs, new SystemEpochClock(),
            (stage, cause) -> failedStage.set(stage + ": " + cause.getMessage()));
        pipelines.add(pipeline);
        started(pipeline);
        return pipeline;
    }

    /** Called with each pipeline a test starts: {@link EventLoopPipelineTest} gives it its loop. */
    void started(final Pipeline pipeline)
    {
    }

    private static long publish(final Pipeline pipeline, final Encoder encoder, final long correlation)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
        final int length = encoder.encode(new CommandWriter(), buffer);
        long sequence;
        while ((sequence = pipeline.tryPublish(buffer, 0, length, correlation)) == Pipeline.RING_FULL)
        {
            Thread.onSpinWait();
        }
        return sequence;
    }

    @FunctionalInterface
    private interface Encoder
    {
        int encode(CommandWriter writer, UnsafeBuffer buffer);
    }

    @Test
    void manyProducersOnOneHotSkuNeverOversell() throws Exception
    {
        final int stock = 1_000;
        final int producers = 4;
        final int attemptsPerProducer = 25_000;
        final EngineConfig config = new EngineConfig().checkoutCapacity(10_000).customerCapacity(200_000)
            .idempotencyCapacity(1_000);
        final CollectingStage results = new CollectingStage();
        final Pipeline pipeline = start(new Engine(config), new PipelineConfig().inputRingSize(1024).outputRingSize(4096),
            List.of(), List.of(results));
        publish(pipeline, (w, b) -> w.upsertSku(b, 0, "HOT", stock, 2, 4_999, "EUR", 0, Long.MAX_VALUE), 1);

        final CountDownLatch go = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            final Thread thread = new Thread(() ->
            {
                final CommandWriter writer = new CommandWriter();
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
                awaitQuietly(go);
                // odd producers publish as an event loop does: bursts that wake the pipeline once, at their end
                final boolean deferring = producer % 2 == 1;
                final SplittableRandom bursts = new SplittableRandom(producer);
                int burstLeft = 0;
                for (int i = 0; i < attemptsPerProducer; i++)
                {
                    final long customer = 1 + producer * (long)attemptsPerProducer + i;
                    final int length = writer.reserve(buffer, 0, 1, customer, 0, "", "HOT", 1 + i % 2);
                    while ((deferring ? pipeline.tryPublishDeferringWakeUp(buffer, 0, length, CORRELATION_BASE + customer) :
                        pipeline.tryPublish(buffer, 0, length, CORRELATION_BASE + customer)) == Pipeline.RING_FULL)
                    {
                        pipeline.wakeUp(); // what it published may be all the ring holds
                        Thread.onSpinWait();
                    }
                    if (deferring && --burstLeft <= 0)
                    {
                        pipeline.wakeUp();
                        burstLeft = 1 + bursts.nextInt(64);
                    }
                }
                pipeline.wakeUp();
            }, "producer-" + p);
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        final long last = publish(pipeline, (w, b) -> w.getAvailability(b, 0, "HOT"), 2);
        assertThat(pipeline.shutdown()).isTrue();
        assertThat(pipeline.appliedSequence()).isEqualTo(last);

        final List<Out> messages = results.messages();
        final List<Out.CheckoutResult> reserves = messages.stream().filter(Out.CheckoutResult.class::isInstance)
            .map(Out.CheckoutResult.class::cast).collect(Collectors.toList());
        assertThat(reserves).hasSize(producers * attemptsPerProducer);
        final int granted = reserves.stream().filter(r -> r.code() == ResultCode.OK)
            .mapToInt(r -> r.lines().get(0).quantity()).sum();
        assertThat(granted).isEqualTo(stock);
        final Map<ResultCode, Long> codes = reserves.stream().collect(Collectors.groupingBy(Out.CheckoutResult::code,
            Collectors.counting()));
        assertThat(codes.keySet()).isSubsetOf(ResultCode.OK, ResultCode.SOLD_OUT, ResultCode.INSUFFICIENT_STOCK)
            .contains(ResultCode.OK, ResultCode.SOLD_OUT);

        final Out.SkuResult availability = (Out.SkuResult)messages.get(messages.size() - 1);
        assertThat(availability.held()).isEqualTo(stock);
        assertThat(availability.available()).isZero();

        final Set<Long> sequences = new HashSet<>();
        for (final Out out : messages)
        {
            if (out.isResult())
            {
                assertThat(sequences.add(out.inputSequence())).as("one result per input").isTrue();
            }
        }
        assertThat(sequences).hasSize(producers * attemptsPerProducer + 2);
        assertThat(results.correlations().stream().filter(c -> c > CORRELATION_BASE).collect(Collectors.toSet()))
            .as("every reserve's correlation came back").hasSize(producers * attemptsPerProducer);
        assertThat(failedStage.get()).isNull();
    }

    @Test
    void aFullRingIsReportedAtOnceAndNothingIsLost() throws Exception
    {
        final CountDownLatch gate = new CountDownLatch(1);
        final InputStage blocked = new InputStage()
        {
            @Override
            public String name()
            {
                return "gate";
            }

            @Override
            public void onSlot(final InputSlot slot, final boolean endOfBatch) throws Exception
            {
                gate.await();
            }
        };
        final CollectingStage results = new CollectingStage();
        final Pipeline pipeline = start(new Engine(EngineDriver.testConfig()),
            new PipelineConfig().inputRingSize(4).tickIntervalMs(0), List.of(blocked), List.of(results));

        final List<Long> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            final long start = System.nanoTime();
            statuses.add(pipeline.tryPublish(buffer, 0, new CommandWriter().tick(buffer, 0), i));
            assertThat(System.nanoTime() - start).as("tryPublish never waits").isLessThan(TimeUnit.SECONDS.toNanos(1));
        }
        assertThat(statuses).containsExactly(1L, 2L, 3L, 4L, Pipeline.RING_FULL, Pipeline.RING_FULL);

        gate.countDown();
        assertThat(pipeline.awaitApplied(4, 10_000)).isTrue();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        assertThat(pipeline.tryPublish(buffer, 0, new CommandWriter().tick(buffer, 0), 9)).isEqualTo(5L);
        assertThat(pipeline.shutdown()).isTrue();
        assertThat(results.size()).isEqualTo(5);
    }

    @Test
    void shutdownDrainsEverythingPublishedAndThenRefuses()
    {
        final CollectingStage results = new CollectingStage();
        final Pipeline pipeline = start(new Engine(EngineDriver.testConfig()), new PipelineConfig(), List.of(),
            List.of(results));
        long last = 0;
        for (int i = 1; i <= 5_000; i++)
        {
            last = publish(pipeline, (w, b) -> w.getAvailability(b, 0, "NOPE"), i);
        }

        assertThat(pipeline.shutdown()).isTrue();

        assertThat(results.size()).isEqualTo(5_000);
        assertThat(results.messages().get(4_999).inputSequence()).isEqualTo(last);
        assertThat(pipeline.state()).isEqualTo(Pipeline.State.STOPPED);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        assertThat(pipeline.tryPublish(buffer, 0, new CommandWriter().tick(buffer, 0), 0)).isEqualTo(Pipeline.NOT_RUNNING);
        assertThat(pipeline.shutdown()).as("a second shutdown repeats the first's answer").isTrue();
    }

    @Test
    void aFailingInputStageStopsThePipelineBeforeTheEngineDecides() throws Exception
    {
        final InputStage failing = new InputStage()
        {
            @Override
            public String name()
            {
                return "journaller";
            }

            @Override
            public void onSlot(final InputSlot slot, final boolean endOfBatch)
            {
                if (slot.inputSequence() == 10)
                {
                    throw new IllegalStateException("disk full");
                }
            }
        };
        final CollectingStage results = new CollectingStage();
        final Pipeline pipeline = start(new Engine(EngineDriver.testConfig()), new PipelineConfig(), List.of(failing),
            List.of(results));
        for (int i = 1; i <= 20; i++)
        {
            publish(pipeline, (w, b) -> w.getAvailability(b, 0, "A"), i);
        }
        while (pipeline.state() != Pipeline.State.FAILED)
        {
            Thread.sleep(1);
        }

        assertThat(failedStage.get()).isEqualTo("journaller: disk full");
        assertThat(pipeline.failedStage()).isEqualTo("journaller");
        assertThat(pipeline.appliedSequence()).as("nothing decided at or after the failed input").isLessThan(10);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        assertThat(pipeline.tryPublish(buffer, 0, new CommandWriter().tick(buffer, 0), 0)).isEqualTo(Pipeline.NOT_RUNNING);
        assertThat(pipeline.shutdown()).isFalse();
        assertThat(results.messages()).allMatch(out -> out.inputSequence() < 10);
    }

    @Test
    void aFailingOutputStageStopsThePipeline() throws Exception
    {
        final Pipeline pipeline = start(new Engine(EngineDriver.testConfig()),
            new PipelineConfig().outputRingSize(8), List.of(), List.of(failingEventWriter()));
        for (int i = 1; i <= 30; i++)
        {
            if (pipeline.tryPublish(tick(), 0, tickLength(), i) == Pipeline.NOT_RUNNING)
            {
                break;
            }
        }
        while (pipeline.state() != Pipeline.State.FAILED)
        {
            Thread.sleep(1);
        }
        assertThat(failedStage.get()).isEqualTo("event-writer: directory removed");
        assertThat(pipeline.shutdown()).isFalse();
    }

    @Test
    void theTickerExpiresHoldsWithoutTrafficAndIsSilentWhenNothingIsDue() throws Exception
    {
        final EngineConfig config = EngineDriver.testConfig().minHoldTtlMs(50).checkoutRetentionMs(3_600_000)
            .idempotencyRetentionMs(3_600_000);
        final CollectingStage results = new CollectingStage();
        final Pipeline pipeline = start(new Engine(config), new PipelineConfig().tickIntervalMs(5), List.of(),
            List.of(results));
        assertThat(pipeline.awaitApplied(1, 300)).as("no tick while nothing is due").isFalse();

        publish(pipeline, (w, b) -> w.upsertSku(b, 0, "A", 5, 5, 100, "EUR", 0, Long.MAX_VALUE), 1);
        publish(pipeline, (w, b) -> w.reserve(b, 0, 1, 1, 50, "", "A", 2), 2);
        final long deadline = System.currentTimeMillis() + 10_000;
        while (results.messages().stream().noneMatch(Out.CheckoutExpired.class::isInstance) &&
            System.currentTimeMillis() < deadline)
        {
            Thread.sleep(5);
        }
        assertThat(results.messages()).anyMatch(Out.CheckoutExpired.class::isInstance);
        final long applied = pipeline.appliedSequence();
        Thread.sleep(200);
        assertThat(pipeline.appliedSequence()).as("silent again: terminal checkouts are retained for an hour")
            .isEqualTo(applied);
    }

    @Test
    void sequencesContinueFromARestoredEngine() throws Exception
    {
        final EngineDriver driver = new EngineDriver(EngineDriver.testConfig());
        driver.upsertSku("A", 5, 5);
        driver.tick();
        final java.io.ByteArrayOutputStream snapshot = new java.io.ByteArrayOutputStream();
        driver.engine().writeSnapshot(snapshot);
        final Engine restored = Engine.readSnapshot(EngineDriver.testConfig(),
            new java.io.ByteArrayInputStream(snapshot.toByteArray()));

        final Pipeline pipeline = start(restored, new PipelineConfig().tickIntervalMs(0), List.of(), List.of());
        assertThat(pipeline.tryPublish(tick(), 0, tickLength(), 0)).isEqualTo(3L);
        assertThat(pipeline.shutdown()).isTrue();
        assertThat(restored.lastSequence()).isEqualTo(3L);
    }

    @Test
    void badLengthsAreRefused()
    {
        final Pipeline pipeline = start(new Engine(EngineDriver.testConfig()), new PipelineConfig(), List.of(), List.of());
        assertThat(pipeline.tryPublish(tick(), 0, 0, 0)).isEqualTo(Pipeline.INVALID_LENGTH);
        assertThat(pipeline.tryPublish(new UnsafeBuffer(new byte[2048]), 0, ProtocolLimits.MAX_INPUT_LENGTH + 1, 0))
            .isEqualTo(Pipeline.INVALID_LENGTH);
    }

    /** An output stage named "event-writer" that throws "directory removed" on every output. */
    static OutputStage failingEventWriter()
    {
        return new OutputStage()
        {
            @Override
            public String name()
            {
                return "event-writer";
            }

            @Override
            public void onSlot(final OutputSlot slot, final boolean endOfBatch)
            {
                throw new IllegalStateException("directory removed");
            }
        };
    }

    static UnsafeBuffer tick()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        new CommandWriter().tick(buffer, 0);
        return buffer;
    }

    static int tickLength()
    {
        return new CommandWriter().tick(new UnsafeBuffer(new byte[64]), 0);
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
