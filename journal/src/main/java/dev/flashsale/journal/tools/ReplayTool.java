package dev.flashsale.journal.tools;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.SkuSnapshot;
import dev.flashsale.journal.JournalReplay;
import dev.flashsale.journal.SnapshotStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code flashsale journal replay}: rebuilds the engine offline to an input sequence or a time
 * (from the newest snapshot at or before it, or from scratch), and prints the state hash, every
 * SKU's counters and the invariant check; optionally writes a snapshot there.
 */
final class ReplayTool
{
    private final ToolContext context;
    private final PrintWriter out;

    ReplayTool(final ToolContext context, final PrintWriter out)
    {
        this.context = context;
        this.out = out;
    }

    /** @return true if every invariant holds at the end. */
    boolean run(final long toSequence, final long toTimeMs, final boolean fromScratch, final Path snapshotOut)
        throws IOException
    {
        final long startNs = System.nanoTime();
        Engine engine = new Engine(context.engineConfig);
        long fromIndex = -1;
        String start = "from scratch";
        if (!fromScratch)
        {
            final SnapshotStore store = new SnapshotStore(context.directory.snapshots());
            for (final Path file : store.list())
            {
                final SnapshotStore.Header header = store.readHeader(file);
                if (header.inputSequence() <= toSequence && header.engineTimeMs() <= toTimeMs)
                {
                    engine = store.load(file, context.engineConfig).engine();
                    fromIndex = header.chronicleIndex();
                    start = "from " + file.getFileName();
                    break;
                }
            }
        }
        final JournalReplay replay = new JournalReplay()
            .run(engine, context.inputs(), fromIndex, toSequence, toTimeMs, EngineOutput.discarding(), sequence -> { });
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        out.printf("replayed %,d inputs %s in %.2f s (%,.0f inputs/s)%n", replay.replayed(), start, seconds,
            replay.replayed() / Math.max(seconds, 1e-9));
        out.printf("state at input %d, engine time %s%n", engine.lastSequence(), Instant.ofEpochMilli(engine.engineTimeMs()));
        out.printf("state hash %016x%n", engine.stateHash());
        out.printf("%s%n", engine.stats());
        out.printf("%-32s %12s %12s %12s %12s %s%n", "sku", "total", "available", "held", "sold", "");
        for (final String code : engine.skuCodes())
        {
            final SkuSnapshot sku = engine.sku(code);
            out.printf("%-32s %,12d %,12d %,12d %,12d %s%n", code, sku.totalStock(), sku.available(), sku.held(), sku.sold(),
                sku.paused() ? "paused" : "");
        }
        boolean healthy = true;
        try
        {
            engine.verifyInvariants();
            out.println("invariants: ok (conservation per SKU, held units against live holds, customer counters, queues)");
        }
        catch (final Error ex)
        {
            healthy = false;
            out.println("invariants: BROKEN: " + ex.getMessage());
        }
        if (snapshotOut != null)
        {
            final Path directory = snapshotOut.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            final Path written = new SnapshotStore(directory).write(engine, replay.lastIndex(), System.currentTimeMillis());
            if (!written.equals(snapshotOut.toAbsolutePath()))
            {
                Files.move(written, snapshotOut.toAbsolutePath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            out.println("snapshot written to " + snapshotOut);
        }
        out.flush();
        return healthy;
    }
}
