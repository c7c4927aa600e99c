package dev.flashsale.bench;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.PipelineConfig;
import dev.flashsale.engine.pipeline.ThreadLayout;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.NodeJournal;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Input ring + journaller + engine + output ring + event writer: the node without a gateway. One
 * producer publishes reserves of a sold-out SKU for a million rotating customers as fast as the
 * ring takes them (yielding when it is full); inputs per second completed in steady state, for
 * each durability mode, with and without the snapshotter's shadow engine. The journal lives in a
 * temporary directory under {@code java.io.tmpdir}, deleted at the end.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournaledPipelineBenchmark
{
    /** none: memory-mapped only; batch: the file forced to disk at each batch end before the engine decides. */
    @Param({"NONE", "BATCH"})
    public JournalConfig.Sync sync;

    /** Inputs between snapshots: 0 = no shadow engine; 1,000,000 = the default. */
    @Param({"0", "1000000"})
    public long snapshotEveryInputs;

    /** core-thread: stages in order on one thread (the default on small machines); thread-per-stage: a thread each. */
    @Param({"CORE_THREAD", "THREAD_PER_STAGE"})
    public ThreadLayout layout;

    private final PipelineBenchmark.ResultCounter results = new PipelineBenchmark.ResultCounter();
    private Path directory;
    private NodeJournal journal;
    private Pipeline pipeline;
    private Inputs.Encoded reserve;
    private long customer;
    private long published;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("flashsale-bench-");
        journal = NodeJournal.open(directory, new EngineConfig().customerCapacity(200_000),
            new JournalConfig().sync(sync).snapshotEveryInputs(snapshotEveryInputs).minFreeBytes(0), line -> { });
        journal.startSnapshots(new SystemEpochClock(), new dev.flashsale.journal.Snapshotter.Listener()
        {
            @Override
            public void onSnapshot(final Path file, final long inputSequence, final long writeMs)
            {
                System.out.printf("%nsnapshot at input %,d written in %d ms%n", inputSequence, writeMs);
            }

            @Override
            public void onFailure(final String what, final Throwable cause)
            {
                cause.printStackTrace();
            }
        });
        pipeline = new Pipeline(journal.engine(), new PipelineConfig().threadLayout(layout), List.of(journal.journaller()),
            List.<OutputStage>of(journal.eventWriter(), results), new SystemEpochClock(),
            (stage, cause) -> cause.printStackTrace());
        publish(Inputs.upsert("HOT", 1_000, 2));
        final Inputs.Encoded sellOut = Inputs.reserve("HOT", 2, 3_600_000);
        for (int i = 0; i < 500; i++)
        {
            sellOut.customerId(2_000_000 + i);
            publish(sellOut);
        }
        reserve = Inputs.reserve("HOT", 1, 60_000);
    }

    @Benchmark
    public long publishReserve()
    {
        customer = customer == 1_000_000 ? 1 : customer + 1;
        reserve.customerId(customer);
        return publish(reserve);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        final boolean drained = pipeline.shutdown();
        journal.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
        if (!drained || results.results != published)
        {
            throw new IllegalStateException("drained " + drained + ", " + results.results + " results for " + published +
                " inputs: " + pipeline.failure());
        }
    }

    private long publish(final Inputs.Encoded input)
    {
        long sequence;
        while ((sequence = pipeline.tryPublish(input.buffer, 0, input.length, 0)) == Pipeline.RING_FULL)
        {
            Thread.yield();
        }
        if (sequence < 0)
        {
            throw new IllegalStateException("pipeline refused input: " + sequence + ", " + pipeline.failure());
        }
        published++;
        return sequence;
    }
}
