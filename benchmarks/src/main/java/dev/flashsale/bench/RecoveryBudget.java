package dev.flashsale.bench;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.pipeline.InputSlot;
import dev.flashsale.engine.pipeline.InputStage;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.JournalFiles;
import dev.flashsale.journal.JournalReplay;
import dev.flashsale.journal.NodeJournal;
import dev.flashsale.journal.SnapshotStore;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replay and recovery of a long journal: writes a journal of {@code inputs} flash-sale inputs
 * (reserves of one SKU of 10,000 units from a million rotating customers: it sells out within the
 * first inputs and the rest of the burst is refused, with a restock of 1,000 units every 100,000
 * inputs) through the real journaller, then measures a replay from
 * scratch, a recovery with no snapshot, a snapshot write, and a recovery from that snapshot.
 * Each recovery runs in a fresh JVM, as a node starting on the directory would: in this one, the
 * engines of the earlier steps would leave the heap to collect and its pages already touched.
 * Run with {@code java -Xmx4g -jar benchmarks/target/benchmarks.jar recovery [inputs]}.
 */
final class RecoveryBudget
{
    private static final EngineConfig ENGINE = new EngineConfig().customerCapacity(2_000_000).checkoutCapacity(200_000);

    private RecoveryBudget()
    {
    }

    static void main(final String[] args) throws Exception
    {
        final long inputs = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 10_000_000L;
        final Path directory = Files.createTempDirectory("flashsale-recovery-");
        try
        {
            System.out.printf("journal of %,d inputs in %s%n", inputs, directory);
            final double writeSeconds = write(directory, inputs);
            System.out.printf("  written through the journaller in %.1f s (%,.0f inputs/s)%n", writeSeconds,
                inputs / writeSeconds);

            final DataDirectory data = DataDirectory.openExisting(directory);
            final Engine engine = new Engine(ENGINE);
            final long replayStart = System.nanoTime();
            final JournalReplay replay;
            try (SingleChronicleQueue queue = JournalFiles.openInputs(data, false))
            {
                replay = new JournalReplay().run(engine, queue, -1, Long.MAX_VALUE, Long.MAX_VALUE,
                    new Inputs.DiscardingOutput(), sequence -> { });
            }
            final double replaySeconds = (System.nanoTime() - replayStart) / 1e9;
            System.out.printf("  replay from scratch: %,d inputs in %.2f s = %,.0f inputs/s (state hash %016x)%n",
                replay.replayed(), replaySeconds, replay.replayed() / replaySeconds, engine.stateHash());

            System.out.printf("  recovery without a snapshot: %s%n", recoverInFreshJvm(directory));

            final long snapshotStart = System.nanoTime();
            final Path snapshot = new SnapshotStore(data.snapshots()).write(engine, replay.lastIndex(),
                System.currentTimeMillis());
            System.out.printf("  snapshot of that state: %,d bytes written in %d ms (%s)%n", Files.size(snapshot),
                (System.nanoTime() - snapshotStart) / 1_000_000, engine.stats());

            System.out.printf("  recovery from the snapshot at the end: %s%n", recoverInFreshJvm(directory));
        }
        finally
        {
            try (Stream<Path> files = Files.walk(directory))
            {
                for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(file);
                }
            }
        }
    }

    /** {@code recover <directory>}: opens the node's journal once, as a starting node does, and prints what it did. */
    static void recoverOnce(final Path directory)
    {
        final long start = System.nanoTime();
        try (NodeJournal journal = NodeJournal.open(directory, ENGINE,
            new JournalConfig().minFreeBytes(0).snapshotEveryInputs(0), line -> { }))
        {
            System.out.printf("%d ms in all (%s)%n", (System.nanoTime() - start) / 1_000_000, journal.recovery().text());
        }
    }

    private static String recoverInFreshJvm(final Path directory) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(BenchmarkMain.houseFlags());
        command.add("-Xmx4g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchmarkMain.class.getName());
        command.add("recover");
        command.add(directory.toString());
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (child.waitFor() != 0)
        {
            throw new IllegalStateException("the recovering JVM failed:\n" + output);
        }
        return output;
    }

    /** Writes the journal through the real journaller stage, batches of 256. */
    private static double write(final Path directory, final long inputs) throws Exception
    {
        final long start = System.nanoTime();
        try (NodeJournal journal = NodeJournal.open(directory, ENGINE,
            new JournalConfig().minFreeBytes(0).snapshotEveryInputs(0), line -> { }))
        {
            final InputStage journaller = journal.journaller();
            journaller.onStart();
            final CommandWriter writer = new CommandWriter();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
            final InputSlot slot = new InputSlot();
            long timeMs = 1_700_000_000_000L;
            for (long sequence = 1; sequence <= inputs; sequence++)
            {
                final int length;
                if (sequence == 1)
                {
                    length = writer.upsertSku(buffer, 0, "HOT", 10_000, 2, 4_999, "EUR", 0, Long.MAX_VALUE);
                }
                else if (sequence % 100_000 == 0)
                {
                    length = writer.restock(buffer, 0, "HOT", 1_000); // the operator releases a few more units
                }
                else
                {
                    length = writer.reserve(buffer, 0, 1, 1 + sequence % 1_000_000, 600_000, "", "HOT", 1);
                }
                if ((sequence & 63) == 0)
                {
                    timeMs++;
                }
                slot.fill(sequence, timeMs, 0, buffer, 0, length);
                journaller.onSlot(slot, (sequence & 255) == 0 || sequence == inputs);
            }
            journaller.onShutdown();
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
