package dev.flashsale.server.node;

import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.pipeline.ThreadLayout;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.server.config.FlashsaleConfig;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * The child process of {@link CrashRecoveryTest}: a standalone node on a data directory that
 * drives itself (reserves, confirms, cancels, restocks) until it is killed, and logs each result
 * it sees to an acknowledgement file, flushed at every batch end: what a client would have been
 * told. Results only reach an output stage after their input was journaled.
 *
 * <p>Arguments: data directory, seed, acknowledgement file, thread layout ({@code EVENT_LOOP}: the
 * pipeline runs on a single-thread executor standing in for the gateway's event loop, and the
 * driver publishes from outside it).
 */
public final class CrashTestChild
{
    static final String[] SKUS = {"CRASH-A", "CRASH-B", "CRASH-C"};

    private CrashTestChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dataDirectory = Path.of(args[0]);
        final long seed = Long.parseLong(args[1]);
        final Path ackFile = Path.of(args[2]);
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of(
            "FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "20000",
            "FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "50000",
            "FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "20000",
            "FLASHSALE_JOURNAL_SNAPSHOT_EVERY_INPUTS", "5000",
            "FLASHSALE_JOURNAL_MIN_FREE_BYTES", "0"));
        config.dataDirectory(dataDirectory);
        final ThreadLayout layout = ThreadLayout.valueOf(args[3]);
        config.pipeline().threadLayout(layout);
        final ConcurrentLinkedQueue<long[]> held = new ConcurrentLinkedQueue<>();
        final AckLog ackLog = new AckLog(ackFile, held);
        final boolean loop = layout == ThreadLayout.EVENT_LOOP;
        final StandaloneNode node = StandaloneNode.start(config, List.of(ackLog), (stage, cause) -> { },
            new SystemEpochClock(), engine -> { }, loop);
        if (loop)
        {
            node.pipeline().runOn(Executors.newSingleThreadExecutor(task -> new Thread(task, "crash-test-loop")));
        }
        System.out.println("started at input " + node.engine().lastSequence() + ", pipeline on " + node.pipeline().threadLayout());
        drive(node.pipeline(), node.engine().lastSequence() == 0, seed, held);
    }

    private static void drive(final Pipeline pipeline, final boolean fresh, final long seed,
        final ConcurrentLinkedQueue<long[]> held)
    {
        final CommandWriter writer = new CommandWriter();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
        final SplittableRandom random = new SplittableRandom(seed);
        long correlation = seed << 32;
        if (fresh)
        {
            for (final String sku : SKUS)
            {
                publish(pipeline, buffer, writer.upsertSku(buffer, 0, sku, 2_000, 3, 1_500, "EUR", 0, Long.MAX_VALUE),
                    ++correlation);
            }
        }
        while (true)
        {
            final int roll = random.nextInt(100);
            final long[] checkout = roll < 40 ? held.poll() : null;
            final int length;
            if (checkout != null)
            {
                length = random.nextInt(4) == 0 ? writer.cancel(buffer, 0, checkout[1], checkout[0]) :
                    writer.confirm(buffer, 0, checkout[1], checkout[0], "psp-" + checkout[0]);
            }
            else if (roll < 42)
            {
                length = writer.restock(buffer, 0, SKUS[random.nextInt(SKUS.length)], 50);
            }
            else
            {
                length = writer.reserve(buffer, 0, 1, 1 + random.nextInt(30_000), 1_000 + random.nextInt(5_000),
                    random.nextInt(3) == 0 ? "key-" + random.nextInt(1_000_000) : "", SKUS[random.nextInt(SKUS.length)],
                    1 + random.nextInt(2));
            }
            publish(pipeline, buffer, length, ++correlation);
            if ((correlation & 1023) == 0)
            {
                LockSupport.parkNanos(200_000); // leave the parent some CPU on a 2-core machine
            }
        }
    }

    private static void publish(final Pipeline pipeline, final UnsafeBuffer buffer, final int length, final long correlation)
    {
        long status;
        while ((status = pipeline.tryPublish(buffer, 0, length, correlation)) == Pipeline.RING_FULL)
        {
            Thread.yield();
        }
        if (status < 0)
        {
            throw new IllegalStateException("the node refused input: " + status);
        }
    }

    /** Logs every result of the driver's requests: {@code sequence command code checkoutId state}. */
    private static final class AckLog implements OutputStage
    {
        private final BufferedWriter writer;
        private final ConcurrentLinkedQueue<long[]> held;
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();

        AckLog(final Path file, final ConcurrentLinkedQueue<long[]> held) throws IOException
        {
            this.writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
            this.held = held;
        }

        @Override
        public String name()
        {
            return "ack-log";
        }

        @Override
        public void onSlot(final OutputSlot slot, final boolean endOfBatch) throws IOException
        {
            if (slot.isResult() && slot.correlationId() != 0)
            {
                header.wrap(slot.buffer(), 0);
                writer.write(Long.toString(slot.inputSequence()));
                if (header.templateId() == CheckoutResultDecoder.TEMPLATE_ID)
                {
                    checkoutResult.wrap(slot.buffer(), MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
                        header.version());
                    writer.write(" " + checkoutResult.command() + " " + checkoutResult.code() + " " +
                        checkoutResult.checkoutId() + " " + checkoutResult.state());
                    if (checkoutResult.code() == ResultCode.OK && checkoutResult.replayed().value() == 0 &&
                        checkoutResult.state().value() == 1)
                    {
                        held.add(new long[] {checkoutResult.checkoutId(), checkoutResult.customerId()});
                    }
                }
                else
                {
                    writer.write(" template-" + header.templateId());
                }
                writer.write('\n');
            }
            if (endOfBatch)
            {
                try
                {
                    writer.flush();
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }
        }
    }
}
