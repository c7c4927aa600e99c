package dev.flashsale.journal;

import dev.flashsale.engine.pipeline.InputSlot;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code journal.sync=batch}: a batch that lands in a new queue file (the queue's first, or the
 * next cycle's) forces the journal's directory before the batch ends, so the file's name survives
 * a power loss with the inputs in it; a batch in a file already forced does not.
 */
@Timeout(30)
class JournallerSyncTest
{
    @TempDir
    Path work;

    private final InputSlot slot = new InputSlot();
    private long sequence;

    @Test
    void aBatchInANewQueueFileForcesTheDirectoryBeforeItEnds() throws IOException
    {
        final Path inputs = work.resolve("inputs");
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-03-01T12:00:00Z"));
        try (SingleChronicleQueue queue = JournalQueues.open(inputs, time);
             Watermark watermark = Watermark.open(work.resolve("inputs.watermark")))
        {
            final JournalDoorbell appended = new JournalDoorbell();
            final Journaller journaller = new Journaller(queue, watermark, inputs, true, 0, 1_000, appended, PageWarmer.untracked());
            journaller.onStart();
            batch(journaller);
            final long afterFirstFile = journaller.directoriesForced();
            assertThat(afterFirstFile).as("the queue's first file").isPositive();

            batch(journaller);
            batch(journaller);
            assertThat(journaller.directoriesForced()).as("the same file: no directory force on the hot path")
                .isEqualTo(afterFirstFile);

            time.advanceMillis(TimeUnit.DAYS.toMillis(1)); // the next cycle: the append rolls to a new file
            batch(journaller);
            assertThat(queueFiles(inputs)).as("rolled").isEqualTo(2);
            assertThat(journaller.directoriesForced()).as("the next cycle's file, before the batch ends")
                .isEqualTo(afterFirstFile + 1);

            batch(journaller);
            assertThat(journaller.directoriesForced()).isEqualTo(afterFirstFile + 1);
            assertThat(journaller.forces()).as("one force a batch, counted for the metrics").isEqualTo(5);
            assertThat(journaller.forceNanos()).isPositive();
            assertThat(appended.rings()).as("the snapshotter's doorbell, rung after each batch was forced").isEqualTo(5);
            journaller.onShutdown();
        }
    }

    @Test
    void withoutSyncNoDirectoryIsForced()
    {
        final Path inputs = work.resolve("inputs");
        try (SingleChronicleQueue queue = JournalQueues.open(inputs);
             Watermark watermark = Watermark.open(work.resolve("inputs.watermark")))
        {
            final Journaller journaller = new Journaller(queue, watermark, inputs, false, 0, 1_000, new JournalDoorbell(), PageWarmer.untracked());
            journaller.onStart();
            batch(journaller);
            assertThat(journaller.directoriesForced()).isZero();
            assertThat(journaller.forces()).isZero();
            journaller.onShutdown();
        }
    }

    /** Three inputs, the last one ending the batch. */
    private void batch(final Journaller journaller)
    {
        final UnsafeBuffer command = new UnsafeBuffer(new byte[24]);
        for (int i = 1; i <= 3; i++)
        {
            slot.fill(++sequence, 1_700_000_000_000L, 0, command, 0, command.capacity());
            journaller.onSlot(slot, i == 3);
        }
    }

    private static long queueFiles(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter(file -> file.getFileName().toString().endsWith(".cq4")).count();
        }
    }
}
