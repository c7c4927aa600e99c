package dev.flashsale.bench;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.InputSlot;
import dev.flashsale.engine.pipeline.InputStage;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.NodeJournal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The journaller alone, on the benchmark thread: appends of a 137-byte reserve (161 bytes with our
 * record header) per second, ending a batch (where {@code journal.sync=batch} forces the file to disk) every
 * {@code batch} inputs. What the engine waits for before it may decide.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalAppendBenchmark
{
    private static final int BATCH = 64;

    @Param({"NONE", "BATCH"})
    public JournalConfig.Sync sync;

    private final InputSlot slot = new InputSlot();
    private Path directory;
    private NodeJournal journal;
    private InputStage journaller;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("flashsale-bench-");
        journal = NodeJournal.open(directory, new EngineConfig().customerCapacity(1_000),
            new JournalConfig().sync(sync).snapshotEveryInputs(0), line -> { });
        journaller = journal.journaller();
        journaller.onStart();
        final Inputs.Encoded reserve = Inputs.reserve("HOT", 1, 60_000);
        slot.fill(0, 1_700_000_000_000L, 0, reserve.buffer, 0, reserve.length);
    }

    /** One batch of 64 inputs, then the batch end. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long appendBatchOf64() throws Exception
    {
        for (int i = 1; i <= BATCH; i++)
        {
            slot.fill(++sequence, 1_700_000_000_000L, 0, slot.buffer(), 0, slot.length());
            journaller.onSlot(slot, i == BATCH);
        }
        return sequence;
    }

    /** Every input its own batch: what a trickle of requests costs. */
    @Benchmark
    public long appendBatchOf1() throws Exception
    {
        slot.fill(++sequence, 1_700_000_000_000L, 0, slot.buffer(), 0, slot.length());
        journaller.onSlot(slot, true);
        return sequence;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        journaller.onShutdown();
        journal.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
