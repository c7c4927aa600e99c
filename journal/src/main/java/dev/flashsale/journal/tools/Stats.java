package dev.flashsale.journal.tools;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import dev.flashsale.engine.codec.AckDecoder;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.journal.JournalReplay;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code flashsale journal stats}: replays the journal from scratch (results are not journaled,
 * replay recomputes them) and counts inputs by command and result code, events by type, and the
 * input rate over time: per minute, and the busiest seconds.
 */
final class Stats
{
    private final ToolContext context;
    private final PrintWriter out;

    Stats(final ToolContext context, final PrintWriter out)
    {
        this.context = context;
        this.out = out;
    }

    void run()
    {
        final Counter counter = new Counter();
        final Engine engine = new Engine(context.engineConfig);
        final long startNs = System.nanoTime();
        new JournalReplay().run(engine, context.inputs(), -1, Long.MAX_VALUE, Long.MAX_VALUE, counter, counter::beginInput);
        final double seconds = (System.nanoTime() - startNs) / 1e9;

        out.printf("%,d inputs, replayed in %.2f s%n", engine.lastSequence(), seconds);
        if (engine.lastSequence() == 0)
        {
            out.flush();
            return;
        }
        out.printf("stamped from %s to %s%n%n", Instant.ofEpochMilli(counter.firstMs), Instant.ofEpochMilli(counter.lastMs));
        out.println("inputs by command and result");
        counter.results.forEach((key, count) -> out.printf("  %-18s %-22s %,12d%n", key.split(" ")[0], key.split(" ")[1],
            count));
        out.println("events by type");
        counter.events.forEach((type, count) -> out.printf("  %-41s %,12d%n", type, count));
        out.println("inputs per minute");
        counter.perMinute.forEach((minute, count) -> out.printf("  %s %,12d%n", Instant.ofEpochMilli(minute * 60_000),
            count));
        out.println("busiest seconds");
        counter.perSecond.entrySet().stream().sorted(Map.Entry.<Long, Long>comparingByValue().reversed()).limit(5)
            .forEach(second -> out.printf("  %s %,12d inputs/s%n", Instant.ofEpochMilli(second.getKey() * 1000),
                second.getValue()));
        out.flush();
    }

    /** Counts results and events of the replayed engine. */
    private static final class Counter implements EngineOutput
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_OUTPUT_LENGTH]);
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();
        private final SkuResultDecoder skuResult = new SkuResultDecoder();
        private final AckDecoder ack = new AckDecoder();
        private final MessagePrinter printer = new MessagePrinter();
        final Map<String, Long> results = new TreeMap<>();
        final Map<String, Long> events = new TreeMap<>();
        final Map<Long, Long> perMinute = new TreeMap<>();
        final Map<Long, Long> perSecond = new TreeMap<>();
        long firstMs;
        long lastMs;

        void beginInput(final long sequence)
        {
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
                events.merge(printer.name(buffer, 0, length), 1L, Long::sum);
                return;
            }
            header.wrap(buffer, 0);
            final int body = MessageHeaderDecoder.ENCODED_LENGTH;
            final CommandKind command;
            final ResultCode code;
            final long timeMs;
            switch (header.templateId())
            {
                case CheckoutResultDecoder.TEMPLATE_ID ->
                {
                    checkoutResult.wrap(buffer, body, header.blockLength(), header.version());
                    command = checkoutResult.command();
                    code = checkoutResult.code();
                    timeMs = checkoutResult.engineTimeMs();
                }
                case SkuResultDecoder.TEMPLATE_ID ->
                {
                    skuResult.wrap(buffer, body, header.blockLength(), header.version());
                    command = skuResult.command();
                    code = skuResult.code();
                    timeMs = skuResult.engineTimeMs();
                }
                default ->
                {
                    ack.wrap(buffer, body, header.blockLength(), header.version());
                    command = ack.command();
                    code = ack.code();
                    timeMs = ack.engineTimeMs();
                }
            }
            results.merge(command + " " + code, 1L, Long::sum);
            firstMs = firstMs == 0 ? timeMs : firstMs;
            lastMs = timeMs;
            perMinute.merge(timeMs / 60_000, 1L, Long::sum);
            perSecond.merge(timeMs / 1_000, 1L, Long::sum);
        }
    }
}
