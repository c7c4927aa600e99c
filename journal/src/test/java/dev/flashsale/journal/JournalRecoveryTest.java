package dev.flashsale.journal;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.testing.CommandGenerator;
import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.OutDecoder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class JournalRecoveryTest
{
    @TempDir
    Path directory;

    private CommandGenerator generator(final long seed)
    {
        return new CommandGenerator(seed, 300, RunningNode.ENGINE.minHoldTtlMs(), RunningNode.ENGINE.maxHoldTtlMs(),
            1_700_000_000_000L);
    }

    private static JournalConfig noSnapshots()
    {
        return new JournalConfig().snapshotEveryInputs(0).minFreeBytes(0);
    }

    @Test
    void aRestartRecoversTheSameStateAndContinuesTheSequence()
    {
        final CommandGenerator generator = generator(1);
        final long hash;
        final long last;
        try (RunningNode node = new RunningNode(directory, noSnapshots()))
        {
            last = node.drive(generator, 20_000, true);
            node.close();
            hash = node.journal.engine().stateHash();
            assertThat(node.failure.get()).isNull();
        }
        try (RunningNode node = new RunningNode(directory, noSnapshots()))
        {
            assertThat(node.journal.engine().lastSequence()).isEqualTo(last);
            assertThat(node.journal.engine().stateHash()).isEqualTo(hash);
            assertThat(node.journal.recovery().replayedInputs()).isEqualTo(last);
            assertThat(node.drive(generator, 1, false)).isEqualTo(last + 1);
        }
    }

    @Test
    void theEventJournalHoldsEveryEventInOrder()
    {
        final List<Out> published;
        try (RunningNode node = new RunningNode(directory, noSnapshots()))
        {
            node.drive(generator(2), 10_000, true);
            node.close();
            published = node.events;
        }
        assertThat(readEvents()).isEqualTo(published).isNotEmpty();
    }

    @Test
    void snapshotsAreWrittenPrunedAndUsed()
    {
        final JournalConfig config = noSnapshots().snapshotEveryInputs(2_000).snapshotRetention(2);
        final long hash;
        try (RunningNode node = new RunningNode(directory, config))
        {
            node.drive(generator(3), 12_000, true);
            awaitSnapshotAt(node, node.journal.engine().lastSequence() - 2_000);
            node.close();
            hash = node.journal.engine().stateHash();
        }
        final List<Path> snapshots = new SnapshotStore(directory.resolve("snapshots")).list();
        assertThat(snapshots).hasSize(2);
        try (RunningNode node = new RunningNode(directory, config))
        {
            final Recovery.Report report = node.journal.recovery();
            assertThat(report.snapshotSequence()).isEqualTo(SnapshotStore.sequenceOf(snapshots.get(0))).isPositive();
            assertThat(report.replayedInputs()).isEqualTo(report.lastSequence() - report.snapshotSequence());
            assertThat(node.journal.engine().stateHash()).isEqualTo(hash);
        }
    }

    @Test
    void theJournalAndTheEventWriterRingTheirFollowersAfterTheirBatches()
    {
        try (RunningNode node = new RunningNode(directory, noSnapshots()))
        {
            final long last = node.drive(generator(6), 500, true);
            assertThat(node.pipeline.awaitApplied(last, 10_000)).isTrue();
            node.close(); // every batch ended
            // a ring per batch: at least one, at most one per input (the layout decides how inputs are batched)
            assertThat(node.journal.inputDoorbell().rings()).as("the journaller's").isBetween(1L, last);
            assertThat(node.journal.eventDoorbell().rings()).as("the event writer's").isBetween(1L, last);
        }
    }

    @Test
    void aCaughtUpSnapshotterWakesForItsTimedSnapshotWithNoInputComing()
    {
        final long hourMs = 3_600_000; // longer than the generator's clock moves in 300 inputs: no timed snapshot while driving
        final JournalConfig config = noSnapshots().snapshotEveryInputs(1_000_000).snapshotEveryMs(hourMs);
        try (RunningNode node = new RunningNode(directory, config))
        {
            final long last = node.drive(generator(5), 300, true);
            assertThat(node.pipeline.awaitApplied(last, 10_000)).isTrue();
            final long written = node.journal.snapshotter().snapshotsWritten();
            final long sleeps = node.journal.snapshotter().caughtUpSleeps();
            while (node.journal.snapshotter().caughtUpSleeps() < sleeps + 2) // asleep with every input applied
            {
                Thread.onSpinWait();
            }
            node.advanceClock(hourMs + 1_000); // no append will ring the doorbell: the bounded sleep must end it
            awaitSnapshotAt(node, last);
            assertThat(node.journal.snapshotter().snapshotsWritten()).isGreaterThan(written);
        }
    }

    @Test
    void replayFromScratchAndFromEverySnapshotReachesTheSameState() throws IOException
    {
        final JournalConfig config = noSnapshots().snapshotEveryInputs(1_500).snapshotRetention(100);
        final long hash;
        try (RunningNode node = new RunningNode(directory, config))
        {
            node.drive(generator(6), 30_000, true);
            awaitSnapshotAt(node, 28_000);
            node.close();
            hash = node.journal.engine().stateHash();
        }
        final SnapshotStore store = new SnapshotStore(directory.resolve("snapshots"));
        final List<Path> snapshots = store.list();
        assertThat(snapshots).hasSizeGreaterThanOrEqualTo(15);
        try (SingleChronicleQueue inputs = JournalQueues.openReadOnly(directory.resolve("inputs")))
        {
            final Engine fromScratch = new Engine(RunningNode.ENGINE);
            new JournalReplay().run(fromScratch, inputs, -1, Long.MAX_VALUE, Long.MAX_VALUE, EngineOutput.discarding(), s -> { });
            assertThat(fromScratch.stateHash()).isEqualTo(hash);
            for (final Path file : snapshots)
            {
                final SnapshotStore.Loaded snapshot = store.load(file, RunningNode.ENGINE);
                new JournalReplay().run(snapshot.engine(), inputs, snapshot.header().chronicleIndex(), Long.MAX_VALUE,
                    Long.MAX_VALUE, EngineOutput.discarding(), s -> { });
                assertThat(snapshot.engine().stateHash()).as("replayed from " + file.getFileName()).isEqualTo(hash);
            }
        }
    }

    @Test
    void aCorruptNewestSnapshotFallsBackToAnOlderOne() throws IOException
    {
        final JournalConfig config = noSnapshots().snapshotEveryInputs(2_000).snapshotRetention(3);
        final long hash;
        try (RunningNode node = new RunningNode(directory, config))
        {
            node.drive(generator(4), 8_000, true);
            awaitSnapshotAt(node, 4_000);
            node.close();
            hash = node.journal.engine().stateHash();
        }
        final List<Path> snapshots = new SnapshotStore(directory.resolve("snapshots")).list();
        Corruption.flipByte(snapshots.get(0), Files.size(snapshots.get(0)) / 2);
        try (RunningNode node = new RunningNode(directory, config))
        {
            assertThat(node.log).anyMatch(line -> line.contains(snapshots.get(0).getFileName().toString()) &&
                line.contains("unusable"));
            assertThat(node.journal.recovery().snapshotSequence()).isEqualTo(SnapshotStore.sequenceOf(snapshots.get(1)));
            assertThat(node.journal.engine().stateHash()).isEqualTo(hash);
        }
    }

    @Test
    void aTornTailIsReportedWithTheCommandThatMovesItAside() throws IOException
    {
        final long last = journalOf(3_000);
        Corruption.corruptInputRecord(directory, last);

        assertThatThrownBy(() -> new RunningNode(directory, noSnapshots()))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("torn tail in the input journal after input " + (last - 1))
            .hasMessageContaining("1 unreadable record(s) from document 0x")
            .hasMessageContaining("flashsale journal truncate --data-dir <dir> --after " + (last - 1));
    }

    @Test
    void damageInTheMiddleIsRefusedWithItsPosition() throws IOException
    {
        journalOf(1_500);
        journalOf(1_500); // a second run writes later documents: input 1234 is in the middle however the first batched
        Corruption.corruptInputRecord(directory, 1_234);

        assertThatThrownBy(() -> new RunningNode(directory, noSnapshots()))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("damaged in the middle: after input 1233, document 0x")
            .hasMessageContaining("checksum mismatch")
            .hasMessageContaining("good records follow");
    }

    @Test
    void aGoodRecordWithTheWrongSequenceAtTheEndIsDamageNotATornTail()
    {
        final long last = journalOf(3_000);
        Corruption.appendInputRecord(directory, last + 5);

        assertThatThrownBy(() -> new RunningNode(directory, noSnapshots()))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("the input journal is damaged: after input " + last)
            .hasMessageContaining("sequence " + (last + 5) + " where " + (last + 1) + " was expected")
            .hasMessageNotContaining("torn tail");
    }

    @Test
    void aJournalThatEndsBeforeItsSnapshotIsRefused() throws IOException
    {
        try (RunningNode node = new RunningNode(directory, noSnapshots().snapshotEveryInputs(5_000)))
        {
            node.drive(generator(3), 20_000, true);
            awaitSnapshotAt(node, 10_000); // at least every 5,000 inputs, and on the simulated clock too
        }
        Corruption.cutShort(directory.resolve("inputs"), 300_000);
        JournalFiles.setWatermark(directory.resolve("inputs.watermark"), 1); // the mark lost too

        assertThatThrownBy(() -> new RunningNode(directory, noSnapshots()))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("before snapshot-")
            .hasMessageContaining("its files were cut short or damaged");
    }

    @Test
    void eventsLostFromTheEndOfTheEventJournalAreReportedAndRegenerated() throws IOException
    {
        final long last = journalOf(20_000);
        final List<Out> before = readEvents();
        keepEventsUpToInput(last / 2); // the mark still says events of later inputs were written

        try (RunningNode node = new RunningNode(directory, noSnapshots()))
        {
            assertThat(node.journal.engine().lastSequence()).isEqualTo(last);
            assertThat(node.log).anyMatch(line -> line.startsWith("the event journal ends at an event of input") &&
                line.contains("the missing events are regenerated"));
        }
        assertThat(readEvents()).isEqualTo(before);
    }

    @Test
    void anUnreadableEventJournalIsRefusedWithTheCommandThatRebuildsIt() throws IOException
    {
        journalOf(20_000);
        Corruption.cutShort(directory.resolve("events"), 200_000);

        assertThatThrownBy(() -> new RunningNode(directory, noSnapshots()))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("cannot read the end of the event journal")
            .hasMessageContaining("flashsale journal rebuild-events");
    }

    /** Replaces the event journal with a copy of its events up to {@code input}. */
    private void keepEventsUpToInput(final long input) throws IOException
    {
        final Path events = directory.resolve("events");
        final Path old = directory.resolve("events-old");
        Files.move(events, old);
        try (SingleChronicleQueue source = JournalQueues.openReadOnly(old);
             EventJournalReader reader = new EventJournalReader(source);
             SingleChronicleQueue target = JournalQueues.open(events);
             JournalFiles.EventSink sink = JournalFiles.eventAppender(target))
        {
            while (reader.next() == EventJournalReader.Status.RECORD && reader.inputSequence() <= input)
            {
                final byte[] event = new byte[reader.length()];
                reader.payload().getBytes(0, event);
                sink.append(reader.inputSequence(), event, reader.length());
            }
        }
        Corruption.deleteRecursively(old);
    }

    @Test
    void aJournalCutShortIsRefused() throws IOException
    {
        journalOf(20_000);
        Corruption.cutShort(directory.resolve("inputs"), 300_000);

        assertThatThrownBy(() -> new RunningNode(directory, noSnapshots()))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("were written: its files were cut short or damaged");
    }

    @Test
    void aSecondNodeOnTheSameDirectoryIsRefused()
    {
        try (RunningNode node = new RunningNode(directory, noSnapshots()))
        {
            assertThatThrownBy(() -> new RunningNode(directory, noSnapshots()))
                .isInstanceOf(JournalException.class).hasMessageContaining("a node is running on");
        }
    }

    @Test
    void anotherEngineConfigurationIsRefusedByName()
    {
        journalOf(10);
        assertThatThrownBy(() -> NodeJournal.open(directory, RunningNode.ENGINE.copy().maxSkus(17), noSnapshots(), s -> { }))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("maxSkus: journal 16, configured 17");
    }

    @Test
    void aDirectoryWrittenBeforeTheKeysPerCustomerBoundReplaysWithoutIt() throws IOException
    {
        final long last = journalOf(10);
        final Path meta = directory.resolve(DataDirectory.META_FILE);
        final String written = Files.readString(meta);
        assertThat(written).contains("engine.maxKeysPerCustomer=");
        Files.writeString(meta, written.replaceAll("engine\\.maxKeysPerCustomer=\\d+\\R", ""));

        assertThatThrownBy(() -> NodeJournal.open(directory, RunningNode.ENGINE, noSnapshots(), s -> { }))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("maxKeysPerCustomer: journal 0, configured " + RunningNode.ENGINE.maxKeysPerCustomer());
        try (NodeJournal journal = NodeJournal.open(directory, RunningNode.ENGINE.copy().maxKeysPerCustomer(0), noSnapshots(),
            s -> { }))
        {
            assertThat(journal.engine().lastSequence()).isEqualTo(last);
        }
    }

    @Test
    void aDirectoryWithSomeoneElsesJournalIsRefused() throws IOException
    {
        Files.createDirectories(directory.resolve("inputs"));
        assertThatThrownBy(() -> new RunningNode(directory, noSnapshots()))
            .isInstanceOf(JournalException.class).hasMessageContaining("was not written by this node");
    }

    @Test
    void theJournalDirectoryRemovedUnderTheNodeStopsIntake() throws Exception
    {
        try (RunningNode node = new RunningNode(directory, noSnapshots().checkIntervalMs(1)))
        {
            node.drive(generator(5), 100, true);
            Corruption.deleteRecursively(directory.resolve("inputs"));
            final long deadline = System.currentTimeMillis() + 10_000;
            while (node.failure.get() == null && System.currentTimeMillis() < deadline)
            {
                node.pipeline.tryPublish(Corruption.tick(), 0, Corruption.TICK_LENGTH, 0);
                Thread.sleep(5);
            }
            assertThat(node.failure.get()).startsWith("journaller:").contains("is gone: stopped intake");
        }
    }

    @Test
    void tooLittleFreeDiskStopsIntakeAtOnce() throws Exception
    {
        try (RunningNode node = new RunningNode(directory, noSnapshots().minFreeBytes(Long.MAX_VALUE)))
        {
            final long deadline = System.currentTimeMillis() + 10_000;
            while (node.failure.get() == null && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(5);
            }
            assertThat(node.failure.get()).startsWith("journaller:").contains("MB free for the input journal");
        }
    }

    private long journalOf(final int inputs)
    {
        try (RunningNode node = new RunningNode(directory, noSnapshots()))
        {
            return node.drive(generator(9), inputs, true);
        }
    }

    private static void awaitSnapshotAt(final RunningNode node, final long sequence)
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (node.journal.snapshotter().lastSnapshotSequence() < sequence && System.currentTimeMillis() < deadline)
        {
            Thread.onSpinWait();
        }
        assertThat(node.journal.snapshotter().lastSnapshotSequence()).isGreaterThanOrEqualTo(sequence);
    }

    private List<Out> readEvents()
    {
        final List<Out> events = new ArrayList<>();
        final OutDecoder decoder = new OutDecoder();
        try (SingleChronicleQueue queue = JournalQueues.openReadOnly(directory.resolve("events"));
             EventJournalReader reader = new EventJournalReader(queue))
        {
            EventJournalReader.Status status;
            while ((status = reader.next()) == EventJournalReader.Status.RECORD)
            {
                events.add(decoder.decode(reader.payload(), 0, reader.length()));
            }
            assertThat(status).isEqualTo(EventJournalReader.Status.END);
        }
        return events;
    }
}
