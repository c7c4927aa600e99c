package dev.flashsale.bench;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.engine.pipeline.ThreadLayout;
import dev.flashsale.engine.pipeline.WaitStrategyKind;
import org.agrona.concurrent.SystemEpochClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Input ring + engine + output ring, no journal yet: one producer (the benchmark thread) publishes
 * reserves of a sold-out hot SKU as fast as the ring takes them; the engine thread applies them and
 * an output stage counts the results. A producer that finds the ring full yields: on two cores a
 * spinning producer takes the engine's core. In steady state the ring is full, so publishes per second are
 * inputs the pipeline completes per second. The tear-down checks that every input got its result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBenchmark
{
    /** How the engine waits for input. */
    @Param({"SLEEPING"})
    public WaitStrategyKind inputWait;

    /** How the output stage waits for output. */
    @Param({"SLEEPING"})
    public WaitStrategyKind outputWait;

    /**
     * Output-stage threads: 1 is the real shape (a responder); 0 leaves the output ring unread, to
     * show what a third busy thread costs on a 2-core machine.
     */
    @Param({"1", "0"})
    public int outputStages;

    /** core-thread: stages in order on one thread (the default on small machines); thread-per-stage: a thread each. */
    @Param({"CORE_THREAD", "THREAD_PER_STAGE"})
    public ThreadLayout layout;

    /** Distinct shoppers the reserves rotate over. */
    @Param({"1000000"})
    public int customers;

    private final ResultCounter results = new ResultCounter();
    private Pipeline pipeline;
    private Inputs.Encoded reserve;
    private long customer;
    private long published;
    private long ringFull;

    @Setup(Level.Trial)
    public void setUp()
    {
        final Engine engine = new Engine(new EngineConfig().customerCapacity(200_000));
        pipeline = new Pipeline(engine, new PipelineConfig().threadLayout(layout).inputWaitStrategy(inputWait)
            .outputWaitStrategy(outputWait), List.of(),
            outputStages == 1 ? List.of(results) : List.of(), new SystemEpochClock(),
            (stage, cause) -> cause.printStackTrace());
        final Inputs.Encoded upsert = Inputs.upsert("HOT", 1_000, 2);
        publish(upsert);
        final Inputs.Encoded sellOut = Inputs.reserve("HOT", 2, 3_600_000);
        for (int i = 0; i < 500; i++)
        {
            sellOut.customerId(customers + 1 + i);
            publish(sellOut);
        }
        reserve = Inputs.reserve("HOT", 1, 60_000);
    }

    @Benchmark
    public long publishReserve()
    {
        customer = customer == customers ? 1 : customer + 1;
        reserve.customerId(customer);
        return publish(reserve);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (!pipeline.shutdown())
        {
            throw new IllegalStateException("pipeline did not drain: " + pipeline.failure());
        }
        if (outputStages == 1 && results.results != published)
        {
            throw new IllegalStateException(results.results + " results for " + published + " inputs");
        }
        System.out.printf("%n%,d inputs, %,d publishes found the ring full%n", published, ringFull);
    }

    private long publish(final Inputs.Encoded input)
    {
        long sequence;
        while ((sequence = pipeline.tryPublish(input.buffer, 0, input.length, 0)) == Pipeline.RING_FULL)
        {
            ringFull++;
            Thread.yield(); // 2 cores: a spinning producer would take the engine's core
        }
        if (sequence < 0)
        {
            throw new IllegalStateException("pipeline refused input: " + sequence + ", " + pipeline.failure());
        }
        published++;
        return sequence;
    }

    /** Counts results on the output stage's thread. */
    static final class ResultCounter implements OutputStage
    {
        volatile long results;

        @Override
        public String name()
        {
            return "counter";
        }

        @Override
        public void onSlot(final OutputSlot slot, final boolean endOfBatch)
        {
            if (slot.isResult())
            {
                results++; // single writer: the stage thread
            }
        }
    }
}
