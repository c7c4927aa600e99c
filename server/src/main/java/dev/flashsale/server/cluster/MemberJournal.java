package dev.flashsale.server.cluster;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.InvariantViolation;
import dev.flashsale.engine.SkuSnapshot;
import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.InputJournalReader;
import dev.flashsale.journal.JournalFiles;
import dev.flashsale.journal.JournalReplay;
import dev.flashsale.journal.tools.JournalTools;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a member's data directory says, read with the journal tools' classes as
 * {@code flashsale journal} reads any node's: a SHA-256 over every input record (sequence, engine
 * time, command bytes), the state replayed from the first input (state hash, SKU counters, the
 * engine's invariant check), and the checkouts its event journal shows held, confirmed and
 * released ({@code journal dump --json --events}). A stopped member's directory is read whole
 * ({@link #read}); a running member's up to one input ({@link #readLive}), as
 * {@code flashsale journal dump --live --to-seq N} reads it.
 */
final class MemberJournal
{
    private static final Pattern EVENT = Pattern.compile("^\\{\"kind\":\"event\".*\"type\":\"(CheckoutHeld|CheckoutConfirmed|" +
        "CheckoutReleased)\".*\"checkoutId\":\"?(\\d+)");

    private MemberJournal()
    {
    }

    /** @throws dev.flashsale.journal.JournalException if the directory is locked by a running node, foreign or damaged. */
    static MemberReport read(final int member, final Path root)
    {
        return read(member, root, Long.MAX_VALUE, false);
    }

    /**
     * Reads a running member's directory up to and including input {@code toSequence}, while the
     * member appends after it: inputs, replay and events after that input are left out, so members
     * read at different moments are compared at the same input. Call it once
     * {@link #journaledThrough} has reached {@code toSequence}: a Chronicle tailer sees only documents
     * whose writing is complete, and the watermarks never run ahead of what the journals hold. A
     * member that has not got that far reads short ({@link MemberReport#lastSequence()} below
     * {@code toSequence}).
     *
     * @throws dev.flashsale.journal.JournalException if the directory is foreign or damaged.
     */
    static MemberReport readLive(final int member, final Path root, final long toSequence)
    {
        return read(member, root, toSequence, true);
    }

    /**
     * The last input whose record and events are all in the member's journals, from its watermarks
     * ({@code inputs.watermark}, {@code events.watermark}), read now: fresh, unlike the member's
     * {@code /metrics}, which may be a second old. A member writes both before its answer to the
     * input leaves it, so on the leader it is at least the input of every write it has acknowledged.
     * Works on a running member's directory.
     */
    static long journaledThrough(final Path root)
    {
        final DataDirectory directory = DataDirectory.openExisting(root);
        return Math.min(JournalFiles.watermark(directory.inputWatermark()), JournalFiles.watermark(directory.eventWatermark()));
    }

    private static MemberReport read(final int member, final Path root, final long toSequence, final boolean live)
    {
        final DataDirectory directory = DataDirectory.openExisting(root);
        final Engine engine = new Engine(directory.engineConfig());
        final String digest;
        final long inputs;
        final String damage;
        try (SingleChronicleQueue queue = JournalFiles.openInputs(directory, false))
        {
            final Digest records = digest(queue, toSequence);
            digest = records.sha256;
            inputs = records.count;
            damage = records.damage;
            if (damage == null)
            {
                new JournalReplay().run(engine, queue, -1, toSequence, Long.MAX_VALUE, EngineOutput.discarding(), s -> { });
            }
        }
        String invariantFailure = damage;
        if (damage == null)
        {
            try
            {
                engine.verifyInvariants();
            }
            catch (final InvariantViolation ex)
            {
                invariantFailure = ex.getMessage();
            }
        }
        final Map<String, SkuSnapshot> skus = new HashMap<>();
        for (final String code : engine.skuCodes())
        {
            skus.put(code, engine.sku(code));
        }
        final EventCollector events = new EventCollector();
        try (PrintWriter writer = new PrintWriter(events))
        {
            JournalTools.dump(root, live, writer, true, true, 0, toSequence, Long.MIN_VALUE, Long.MAX_VALUE, null, 0, 0);
        }
        return new MemberReport(member, inputs, engine.lastSequence(), digest, engine.stateHash(), invariantFailure, skus,
            events.held, events.confirmed, events.released);
    }

    private record Digest(String sha256, long count, String damage)
    {
    }

    /** Over the records up to and including {@code toSequence}. */
    private static Digest digest(final SingleChronicleQueue queue, final long toSequence)
    {
        final MessageDigest sha256;
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JVM has no SHA-256", ex);
        }
        final ByteBuffer header = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        byte[] bytes = new byte[256];
        long count = 0;
        try (InputJournalReader reader = new InputJournalReader(queue, 1))
        {
            InputJournalReader.Status status;
            while ((status = reader.next()) != InputJournalReader.Status.END)
            {
                if (status != InputJournalReader.Status.RECORD)
                {
                    return new Digest(null, count, "the input journal is damaged at " + reader.position() + ": " +
                        reader.problem());
                }
                if (reader.sequence() > toSequence)
                {
                    break;
                }
                final UnsafeBuffer payload = reader.payload();
                final int length = reader.length();
                bytes = bytes.length >= length ? bytes : new byte[length];
                payload.getBytes(0, bytes, 0, length);
                header.clear();
                header.putLong(reader.sequence()).putLong(reader.timestampMs()).putInt(length);
                sha256.update(header.array(), 0, header.position());
                sha256.update(bytes, 0, length);
                count++;
            }
        }
        return new Digest(HexFormat.of().formatHex(sha256.digest()), count, null);
    }

    /** Takes the dump's JSON lines and keeps the checkout ids of the events that matter here. */
    private static final class EventCollector extends Writer
    {
        final Set<Long> held = new HashSet<>();
        final Set<Long> confirmed = new HashSet<>();
        final Set<Long> released = new HashSet<>();
        private final StringBuilder line = new StringBuilder();

        @Override
        public void write(final char[] chars, final int offset, final int length)
        {
            for (int i = offset; i < offset + length; i++)
            {
                if (chars[i] == '\n')
                {
                    onLine();
                    line.setLength(0);
                }
                else
                {
                    line.append(chars[i]);
                }
            }
        }

        private void onLine()
        {
            final Matcher event = EVENT.matcher(line);
            if (!event.find())
            {
                return;
            }
            final long checkoutId = Long.parseLong(event.group(2));
            switch (event.group(1))
            {
                case "CheckoutHeld" -> held.add(checkoutId);
                case "CheckoutConfirmed" -> confirmed.add(checkoutId);
                default -> released.add(checkoutId);
            }
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    }
}
