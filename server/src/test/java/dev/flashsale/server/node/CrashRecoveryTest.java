package dev.flashsale.server.node;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.pipeline.ThreadLayout;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.JournalFiles;
import dev.flashsale.journal.JournalReplay;
import dev.flashsale.journal.NodeJournal;
import dev.flashsale.journal.SnapshotStore;
import dev.flashsale.journal.tools.JournalTools;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kill -9 at random moments: a child process runs a journaled node that drives itself and logs
 * every result it sees; the test kills it (SIGKILL) several times, restarting it on the same data
 * directory each time, then checks that every acknowledged result is in the journal with the same
 * outcome, that sequences continue without a gap across the restarts, and that the recovered state
 * keeps every invariant. Starts take turns between the stages on a loop the child gives the
 * pipeline (the event-loop layout, its driver publishing from another thread) and on the core thread. Logs stay under target/crash-test when it fails.
 */
@Tag("slow")
@Timeout(300)
class CrashRecoveryTest
{
    private static final int KILLS = 4;
    private static final long OUTPUT_RING_MESSAGES = 65_536;

    @Test
    void acknowledgedInputsSurviveKillNineAndSequencesContinue() throws Exception
    {
        final Path work = Files.createDirectories(Path.of("target", "crash-test", Long.toString(System.currentTimeMillis())))
            .toAbsolutePath();
        final Path data = work.resolve("data");
        final SplittableRandom random = new SplittableRandom(System.nanoTime());
        final List<String> acks = new ArrayList<>();
        for (int round = 0; round < KILLS; round++)
        {
            final Path ackFile = work.resolve("acks-" + round + ".txt");
            final ThreadLayout layout = round % 2 == 0 ? ThreadLayout.EVENT_LOOP : ThreadLayout.CORE_THREAD;
            final Process child = start(data, round + 1, layout, ackFile, work.resolve("child-" + round + ".log"));
            final int killAfter = 2_000 + random.nextInt(20_000);
            awaitAcks(child, ackFile, killAfter, work);
            if (round == KILLS - 2)
            {
                awaitSnapshotBehindAcks(child, data.resolve("snapshots"), ackFile, work);
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            acks.addAll(completeLines(ackFile));
        }
        assertThat(acks).hasSizeGreaterThan(KILLS * 2_000);
        assertThat(Files.readString(work.resolve("child-" + (KILLS - 1) + ".log"), StandardCharsets.UTF_8))
            .as("the last restart recovered from a snapshot plus the journal after it")
            .containsPattern("recovered to input \\d+ in \\d+ ms: snapshot at input [1-9]");

        final Map<Long, String> replayed = replayResults(data);
        long maxAcked = 0;
        for (final String ack : acks)
        {
            final long sequence = Long.parseLong(ack.substring(0, ack.indexOf(' ')));
            maxAcked = Math.max(maxAcked, sequence);
            assertThat(replayed.get(sequence)).as("acknowledged result of input " + sequence).isEqualTo(ack);
        }

        final StringWriter verify = new StringWriter();
        assertThat(JournalTools.verify(data, false, new PrintWriter(verify, true))).as(verify.toString()).isTrue();
        try (NodeJournal journal = NodeJournal.open(data, DataDirectory.openExisting(data).engineConfig(),
            new JournalConfig().minFreeBytes(0).snapshotEveryInputs(0), line -> { }))
        {
            assertThat(journal.engine().lastSequence()).isGreaterThanOrEqualTo(maxAcked);
            journal.engine().verifyInvariants();
        }
        System.out.printf("%d kills, %,d acknowledgements, journal at input %,d%n", KILLS, acks.size(), maxAcked);
        if (!Boolean.getBoolean("flashsale.keepCrashLogs"))
        {
            deleteRecursively(work);
        }
    }

    private static Process start(final Path data, final long seed, final ThreadLayout layout, final Path ackFile,
        final Path log) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("-Dchronicle") || argument.startsWith("--sun-misc"))
            {
                command.add(argument);
            }
        }
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashTestChild.class.getName());
        command.add(data.toString());
        command.add(Long.toString(seed));
        command.add(ackFile.toString());
        command.add(layout.name());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitAcks(final Process child, final Path ackFile, final int count, final Path work)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ackFile) || completeLines(ackFile).size() < count)
        {
            if (!child.isAlive())
            {
                throw new AssertionError("the child died on its own (exit " + child.exitValue() + "); logs in " + work);
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no " + count + " acknowledgements within 120 s; logs in " + work);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the child has a snapshot and has acknowledged inputs well past it (an output
     * ring's worth, so the event writer, the ring's other consumer, is past it too and recovery may
     * use it). The child snapshots every 5,000 inputs, but a cold shadow engine takes a moment to
     * write its first, and early kills can come before that.
     */
    private static void awaitSnapshotBehindAcks(final Process child, final Path snapshots, final Path ackFile,
        final Path work) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true)
        {
            final List<Path> written = Files.isDirectory(snapshots) ? new SnapshotStore(snapshots).list() : List.of();
            if (!written.isEmpty() &&
                lastAckedSequence(ackFile) > SnapshotStore.sequenceOf(written.get(0)) + OUTPUT_RING_MESSAGES)
            {
                return;
            }
            if (!child.isAlive())
            {
                throw new AssertionError("the child died on its own (exit " + child.exitValue() + "); logs in " + work);
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no snapshot behind the acknowledgements within 120 s; logs in " + work);
            }
            Thread.sleep(20);
        }
    }

    /** @return the input sequence of the last complete acknowledgement, read from the file's tail. */
    private static long lastAckedSequence(final Path ackFile) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(ackFile.toFile(), "r"))
        {
            final int tail = (int)Math.min(file.length(), 4_096);
            final byte[] bytes = new byte[tail];
            file.seek(file.length() - tail);
            file.readFully(bytes);
            final String text = new String(bytes, StandardCharsets.US_ASCII);
            final int end = text.lastIndexOf('\n');
            if (end < 0)
            {
                return 0;
            }
            final int start = text.lastIndexOf('\n', end - 1) + 1; // lines are far shorter than the tail
            return Long.parseLong(text.substring(start, text.indexOf(' ', start)));
        }
    }

    /** @return the lines the child finished writing (a kill can cut the last one). */
    private static List<String> completeLines(final Path file) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        final int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    /** Replays the journal from scratch and formats each result the way the child logs it. */
    private static Map<Long, String> replayResults(final Path data)
    {
        final Map<Long, String> results = new HashMap<>();
        final DataDirectory directory = DataDirectory.openExisting(data);
        final Engine replay = new Engine(directory.engineConfig());
        final Formatter formatter = new Formatter(results);
        try (SingleChronicleQueue inputs = JournalFiles.openInputs(directory, false))
        {
            new JournalReplay().run(replay, inputs, -1, Long.MAX_VALUE, Long.MAX_VALUE, formatter, formatter::beginInput);
        }
        try (NodeJournal journal = NodeJournal.open(data, directory.engineConfig(),
            new JournalConfig().minFreeBytes(0).snapshotEveryInputs(0), line -> { }))
        {
            assertThat(journal.engine().stateHash()).as("recovery and a replay from scratch agree")
                .isEqualTo(replay.stateHash());
        }
        return results;
    }

    private static void deleteRecursively(final Path directory) throws IOException
    {
        if (!Files.exists(directory))
        {
            return;
        }
        try (var files = Files.walk(directory))
        {
            for (final Path file : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }

    /** Formats results like the child's acknowledgement log. */
    static final class Formatter implements EngineOutput
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();
        private final Map<Long, String> results;
        private long sequence;

        Formatter(final Map<Long, String> results)
        {
            this.results = results;
        }

        void beginInput(final long inputSequence)
        {
            sequence = inputSequence;
        }

        @Override
        public MutableDirectBuffer claim()
        {
            return buffer;
        }

        @Override
        public void commit(final int length, final boolean isResult)
        {
            if (!isResult)
            {
                return;
            }
            header.wrap(buffer, 0);
            if (header.templateId() == CheckoutResultDecoder.TEMPLATE_ID)
            {
                checkoutResult.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                results.put(sequence, sequence + " " + checkoutResult.command() + " " + checkoutResult.code() + " " +
                    checkoutResult.checkoutId() + " " + checkoutResult.state());
            }
            else
            {
                results.put(sequence, sequence + " template-" + header.templateId());
            }
        }
    }
}
