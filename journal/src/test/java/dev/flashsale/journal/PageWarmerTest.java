package dev.flashsale.journal;

import dev.flashsale.engine.pipeline.InputSlot;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page warmer keeps a window of each writer's file in the page cache past the writer's last
 * write, clipped to the file, follows the writer and the file's growth, starts again on a new file,
 * and does nothing when off; a journaller reports the end of each document as a file offset.
 */
@Timeout(60)
class PageWarmerTest
{
    private static final long MIB = 1 << 20;

    @TempDir
    Path work;

    @Test
    void keepsTheWindowPastTheWriterCached() throws Exception
    {
        final File file = sparse("a.cq4", 64 * MIB);
        try (PageWarmer warmer = new PageWarmer(8 * MIB))
        {
            final PageWarmer.Track track = warmer.track("test");
            track.wrote(file, MIB);
            await(() -> track.aheadBytes() == 8 * MIB);
            assertCached(file, MIB, 8 * MIB, true); // the window past the writer
            assertCached(file, 40 * MIB, 8 * MIB, false); // nothing far ahead was read

            track.wrote(file, 3 * MIB); // more than half the window still ahead: the warmer is not woken
            assertThat(track.aheadBytes()).isBetween(6 * MIB, 8 * MIB); // (8 if its one-second look came between)
            track.wrote(file, 38 * MIB); // past the window: the warmer catches up from the writer's end
            await(() -> track.aheadBytes() == 8 * MIB);
            assertCached(file, 38 * MIB, 8 * MIB, true);
        }
    }

    @Test
    void stopsAtTheFilesEndAndFollowsItsGrowth() throws Exception
    {
        final File file = sparse("b.cq4", 4 * MIB);
        try (PageWarmer warmer = new PageWarmer(8 * MIB);
             RandomAccessFile grow = new RandomAccessFile(file, "rw"))
        {
            final PageWarmer.Track track = warmer.track("test");
            track.wrote(file, MIB);
            await(() -> track.aheadBytes() == 3 * MIB);
            grow.setLength(32 * MIB); // as Chronicle extends a file by a block ahead of its writer
            track.wrote(file, 2 * MIB);
            await(() -> track.aheadBytes() == 8 * MIB);
        }
    }

    @Test
    void aWriterDoesNotWakeAWarmerThatHasNothingToDo() throws Exception
    {
        final File shortFile = sparse("short.cq4", 4 * MIB);
        final File missing = work.resolve("missing/none.cq4").toFile();
        try (PageWarmer warmer = new PageWarmer(64 * MIB))
        {
            final PageWarmer.Track atTheEnd = warmer.track("at the end");
            final PageWarmer.Track unreadable = warmer.track("unreadable");
            atTheEnd.wrote(shortFile, MIB);
            unreadable.wrote(missing, MIB);
            await(() -> atTheEnd.aheadBytes() == 3 * MIB); // the window reaches past the file's end
            Thread.sleep(50);
            final long before = warmer.passes();
            for (int i = 0; i < 10_000; i++)
            {
                atTheEnd.wrote(shortFile, MIB + i);
                unreadable.wrote(missing, MIB + i);
            }
            Thread.sleep(200);
            assertThat(warmer.passes() - before).as("only its own look, at most one a second").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void startsAgainAtTheWritersNewFile() throws Exception
    {
        final File first = sparse("c1.cq4", 64 * MIB);
        final File second = sparse("c2.cq4", 64 * MIB);
        try (PageWarmer warmer = new PageWarmer(4 * MIB))
        {
            final PageWarmer.Track track = warmer.track("test");
            track.wrote(first, 50 * MIB);
            await(() -> track.aheadBytes() == 4 * MIB);
            track.wrote(second, 4096); // rolled: a new file, the writer near its start
            await(() -> track.aheadBytes() == 4 * MIB);
            assertCached(second, 4096, 4 * MIB, true);
        }
    }

    @Test
    void offWarmsNothingAndStartsNoThread() throws Exception
    {
        final File file = sparse("d.cq4", 16 * MIB);
        try (PageWarmer warmer = new PageWarmer(0))
        {
            final PageWarmer.Track track = warmer.track("test");
            track.wrote(file, 0);
            Thread.sleep(200);
            assertThat(track.aheadBytes()).isZero();
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("flashsale-page-warmer"));
        }
    }

    @Test
    void closeStopsItsThread() throws Exception
    {
        final File file = sparse("e.cq4", 16 * MIB);
        final PageWarmer warmer = new PageWarmer(MIB);
        warmer.track("test").wrote(file, 0);
        final Thread thread = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("flashsale-page-warmer")).findFirst().orElseThrow();
        warmer.close();
        thread.join(5_000);
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void aJournallerReportsTheEndOfEachDocumentInItsFileAndTheWarmerFollowsItsRoll() throws Exception
    {
        final Path inputs = work.resolve("inputs");
        final SetTimeProvider time = new SetTimeProvider(Instant.parse("2026-03-01T12:00:00Z"));
        try (SingleChronicleQueue queue = JournalQueues.open(inputs, time);
             Watermark watermark = Watermark.open(work.resolve("inputs.watermark"));
             PageWarmer warmer = new PageWarmer(4 * MIB))
        {
            final PageWarmer.Track track = warmer.track("input journal");
            final Journaller journaller = new Journaller(queue, watermark, inputs, false, 0, 1_000, new JournalDoorbell(), track);
            journaller.onStart();
            final InputSlot slot = new InputSlot();
            final byte[] command = new byte[100];
            long previous = 0;
            for (int i = 1; i <= 3; i++)
            {
                java.util.Arrays.fill(command, (byte)('A' + i));
                slot.fill(i, 1_000, 0, new UnsafeBuffer(command), 0, command.length);
                journaller.onSlot(slot, true);
                final long end = track.writtenTo();
                assertThat(end).as("past the previous document").isGreaterThan(previous);
                try (FileChannel file = FileChannel.open(inputs.resolve(track.fileName()), StandardOpenOption.READ))
                {
                    assertThat(end).as("within the queue file").isLessThan(file.size());
                    final java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(command.length);
                    file.read(tail, end - command.length);
                    assertThat(tail.array()).as("the document's last bytes, the command, end at the reported offset")
                        .isEqualTo(command);
                }
                previous = end;
            }
            await(() -> track.aheadBytes() == 4 * MIB);

            final String firstFile = track.fileName();
            time.advanceMillis(TimeUnit.DAYS.toMillis(1)); // the next cycle: the append rolls to a new file
            slot.fill(4, 1_000, 0, new UnsafeBuffer(command), 0, command.length);
            journaller.onSlot(slot, true);
            assertThat(track.fileName()).as("the writer reports its new file").isNotEqualTo(firstFile);
            final long endInNewFile = track.writtenTo();
            assertThat(endInNewFile).isLessThan(previous);
            await(() -> track.aheadBytes() == 4 * MIB);
            assertCached(inputs.resolve(track.fileName()).toFile(), endInNewFile, 4 * MIB, true);
            journaller.onShutdown();
        }
    }

    private File sparse(final String name, final long length) throws Exception
    {
        final File file = work.resolve(name).toFile();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.setLength(length);
        }
        return file;
    }

    /**
     * Whether every page of the range is in the page cache ({@code mincore}, through a mapping of our
     * own), as expected. Not on tmpfs, where reading a hole maps the shared zero page and caches nothing
     * (a /tmp of that kind): there only the warmer's own account of its progress is checked.
     */
    private static void assertCached(final File file, final long from, final long length, final boolean expected)
        throws Exception
    {
        if ("tmpfs".equals(Files.getFileStore(file.toPath()).type()))
        {
            return;
        }
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, from, length);
            assertThat(mapped.isLoaded()).as("%s, %d MiB from %d: in the page cache", file.getName(), length >> 20, from)
                .isEqualTo(expected);
        }
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("timed out waiting for the warmer").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
