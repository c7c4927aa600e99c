package dev.flashsale.gateway;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.SkuSnapshot;
import dev.flashsale.engine.codec.AckDecoder;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.engine.codec.SkuUpsertedDecoder;
import dev.flashsale.engine.codec.StockChangedDecoder;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import org.agrona.DirectBuffer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The output stage that answers HTTP exchanges: for each result whose correlation id names a
 * waiting {@link Exchange}, copies the result into it and queues it on its event loop's
 * {@link Handback}; at the end of each batch every loop with answers gets one task for all of them. It also
 * keeps what {@code /metrics} shows of the engine: results by command and code, and each SKU's
 * counters from the engine's events (seeded from the recovered engine before the pipeline starts).
 */
public final class Responder implements OutputStage
{
    private static final int COMMANDS = CommandKind.values().length;
    private static final int CODES = ResultCode.values().length;

    private final ExchangeTable exchanges;
    private final Map<io.netty.util.concurrent.EventExecutor, Handback> handbacks = new ConcurrentHashMap<>();
    private Handback[] touched = new Handback[4]; // this stage's thread only: hand-backs with answers in this batch
    private int touchedCount;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();
    private final SkuResultDecoder skuResult = new SkuResultDecoder();
    private final AckDecoder ack = new AckDecoder();
    private final StockChangedDecoder stockChanged = new StockChangedDecoder();
    private final SkuUpsertedDecoder skuUpserted = new SkuUpsertedDecoder();
    private final AtomicLongArray results = new AtomicLongArray(COMMANDS * CODES);
    private final Map<String, SkuGauge> skus = new ConcurrentHashMap<>();
    private final byte[] lastSku = new byte[32];
    private final long[] lastSkuWords = new long[4];
    private SkuGauge lastGauge;
    private volatile long lastInputSequence;
    private volatile long lastEventInputSequence;

    /** Counters of one SKU as the engine's events last showed them; written by the responder only. */
    static final class SkuGauge
    {
        volatile long totalStock;
        volatile long available;
        volatile long held;
        volatile long sold;
    }

    public Responder(final int maxPending)
    {
        this.exchanges = new ExchangeTable(maxPending);
    }

    ExchangeTable exchanges()
    {
        return exchanges;
    }

    /** @return the hand-back of an event loop (made on its first connection; a node has a handful). */
    Handback handback(final io.netty.util.concurrent.EventExecutor loop)
    {
        return handbacks.computeIfAbsent(loop, executor -> new Handback(executor, exchanges.capacity()));
    }

    /** Seeds the SKU gauges from a recovered engine; call before the pipeline starts (the engine thread owns it after). */
    public void seed(final Engine engine)
    {
        for (final String code : engine.skuCodes())
        {
            final SkuSnapshot sku = engine.sku(code);
            final SkuGauge gauge = new SkuGauge();
            gauge.totalStock = sku.totalStock();
            gauge.available = sku.available();
            gauge.held = sku.held();
            gauge.sold = sku.sold();
            skus.put(code, gauge);
        }
        lastInputSequence = engine.lastSequence();
    }

    @Override
    public String name()
    {
        return "responder";
    }

    @Override
    public void onSlot(final OutputSlot slot, final boolean endOfBatch)
    {
        final DirectBuffer buffer = slot.buffer();
        header.wrap(buffer, 0);
        final int template = header.templateId();
        if (!slot.isResult())
        {
            lastEventInputSequence = slot.inputSequence();
        }
        if (slot.isResult())
        {
            count(buffer, template);
            lastInputSequence = slot.inputSequence();
            final Exchange exchange = exchanges.waiting(slot.correlationId());
            if (exchange != null && exchange.complete(slot.correlationId(), buffer, slot.length()))
            {
                final Handback handback = exchange.handback();
                handback.offer(exchange);
                if (!handback.touched)
                {
                    handback.touched = true;
                    touch(handback);
                }
            }
        }
        else if (template == StockChangedDecoder.TEMPLATE_ID)
        {
            stockChanged.wrapAndApplyHeader(buffer, 0, header);
            final SkuGauge gauge = gauge(buffer, stockChanged.offset() + StockChangedDecoder.skuEncodingOffset());
            gauge.totalStock = stockChanged.totalStock();
            gauge.available = stockChanged.available();
            gauge.held = stockChanged.held();
            gauge.sold = stockChanged.sold();
        }
        else if (template == SkuUpsertedDecoder.TEMPLATE_ID)
        {
            skuUpserted.wrapAndApplyHeader(buffer, 0, header);
            gauge(buffer, skuUpserted.offset() + SkuUpsertedDecoder.skuEncodingOffset());
        }
        if (endOfBatch && touchedCount > 0)
        {
            handBack();
        }
    }

    /**
     * Any thread, once the pipeline stopped: schedules every event loop's hand-back, so answers
     * queued in a batch that never ended (a stage failed after them) are still delivered.
     */
    void handBackPending()
    {
        for (final Handback handback : handbacks.values())
        {
            handback.signal();
        }
    }

    /** The end of a batch: each event loop with answers gets one task for all of them. */
    private void handBack()
    {
        for (int i = 0; i < touchedCount; i++)
        {
            touched[i].touched = false;
            touched[i].signal();
            touched[i] = null;
        }
        touchedCount = 0;
    }

    private void touch(final Handback handback)
    {
        if (touchedCount == touched.length)
        {
            touched = java.util.Arrays.copyOf(touched, touched.length * 2);
        }
        touched[touchedCount++] = handback;
    }

    /** The gauge of the SKU whose code is at {@code offset}; the last one is kept to spare a lookup in a hot-SKU sale. */
    private SkuGauge gauge(final DirectBuffer buffer, final int offset)
    {
        // The code is 32 bytes, zero-padded: four longs compare it without a String.
        final long w0 = buffer.getLong(offset);
        final long w1 = buffer.getLong(offset + 8);
        final long w2 = buffer.getLong(offset + 16);
        final long w3 = buffer.getLong(offset + 24);
        if (lastGauge == null || w0 != lastSkuWords[0] || w1 != lastSkuWords[1] || w2 != lastSkuWords[2] ||
            w3 != lastSkuWords[3])
        {
            buffer.getBytes(offset, lastSku);
            int length = 0;
            while (length < lastSku.length && lastSku[length] != 0)
            {
                length++;
            }
            lastGauge = skus.computeIfAbsent(new String(lastSku, 0, length, java.nio.charset.StandardCharsets.US_ASCII),
                code -> new SkuGauge());
            lastSkuWords[0] = w0;
            lastSkuWords[1] = w1;
            lastSkuWords[2] = w2;
            lastSkuWords[3] = w3;
        }
        return lastGauge;
    }

    private void count(final DirectBuffer buffer, final int template)
    {
        final CommandKind command;
        final ResultCode code;
        if (template == CheckoutResultDecoder.TEMPLATE_ID)
        {
            checkoutResult.wrapAndApplyHeader(buffer, 0, header);
            command = checkoutResult.command();
            code = checkoutResult.code();
        }
        else if (template == SkuResultDecoder.TEMPLATE_ID)
        {
            skuResult.wrapAndApplyHeader(buffer, 0, header);
            command = skuResult.command();
            code = skuResult.code();
        }
        else if (template == AckDecoder.TEMPLATE_ID)
        {
            ack.wrapAndApplyHeader(buffer, 0, header);
            command = ack.command();
            code = ack.code();
        }
        else
        {
            return;
        }
        final int index = command.ordinal() * CODES + code.ordinal();
        results.lazySet(index, results.get(index) + 1); // one writer: this thread
    }

    /**
     * @return the last input that produced an event: what a caught-up projection of the event
     *     journal has seen (reads and ticks produce none).
     */
    public long lastEventInputSequence()
    {
        return lastEventInputSequence;
    }

    /** Seeds {@link #lastEventInputSequence()} from the event journal at start (before any new event). */
    public void seedLastEventInput(final long inputSequence)
    {
        if (inputSequence > lastEventInputSequence)
        {
            lastEventInputSequence = inputSequence;
        }
    }

    /** @return the sequence of the last input whose result this stage passed on. */
    public long lastInputSequence()
    {
        return lastInputSequence;
    }

    /**
     * Renders the engine's result counts (every command and code from 0) and, for the
     * {@code topSkus} SKUs with the most units held and sold, their units by state: one series a
     * SKU and state, so a catalog of 400,000 SKUs would be 1.6 M series; 0 shows none.
     */
    void render(final StringBuilder out, final int topSkus)
    {
        out.append("# HELP flashsale_engine_results_total Results of the engine, by command and result code.\n")
            .append("# TYPE flashsale_engine_results_total counter\n");
        final CommandKind[] commands = CommandKind.values();
        final ResultCode[] codes = ResultCode.values();
        for (int c = 0; c < COMMANDS; c++)
        {
            for (int r = 0; r < CODES; r++)
            {
                if (codes[r] == ResultCode.NULL_VAL)
                {
                    continue;
                }
                out.append("flashsale_engine_results_total{command=\"").append(commands[c].name().toLowerCase(java.util.Locale.ROOT))
                    .append("\",code=\"").append(codes[r].name()).append("\"} ").append(results.get(c * CODES + r)).append('\n');
            }
        }
        PrometheusText.gauge(out, "flashsale_skus", "SKUs the engine's events have shown.", skus.size());
        out.append("# HELP flashsale_sku_units Units by state of the SKUs with the most units held and sold ")
            .append("(gateway.metrics-top-skus of them).\n")
            .append("# TYPE flashsale_sku_units gauge\n");
        for (final Map.Entry<String, SkuGauge> sku : top(topSkus).entrySet())
        {
            final SkuGauge gauge = sku.getValue();
            skuLine(out, sku.getKey(), "total", gauge.totalStock);
            skuLine(out, sku.getKey(), "available", gauge.available);
            skuLine(out, sku.getKey(), "held", gauge.held);
            skuLine(out, sku.getKey(), "sold", gauge.sold);
        }
        PrometheusText.gauge(out, "flashsale_gateway_exchanges_waiting", "Requests waiting on the engine.",
            exchanges.waitingCount());
    }

    /** @return the {@code n} SKUs with the most units held and sold (ties by code), by code. */
    private java.util.TreeMap<String, SkuGauge> top(final int n)
    {
        final java.util.TreeMap<String, SkuGauge> top = new java.util.TreeMap<>();
        if (n <= 0)
        {
            return top;
        }
        // Units read once per SKU: the gauges change under the scan, an order must not.
        final java.util.PriorityQueue<Busy> least = new java.util.PriorityQueue<>(n + 1, Busy.ORDER);
        for (final Map.Entry<String, SkuGauge> sku : skus.entrySet())
        {
            least.add(new Busy(sku.getKey(), sku.getValue(), sku.getValue().held + sku.getValue().sold));
            if (least.size() > n)
            {
                least.poll();
            }
        }
        for (final Busy sku : least)
        {
            top.put(sku.code(), sku.gauge());
        }
        return top;
    }

    /** A SKU and its units held and sold when the scan saw it. */
    private record Busy(String code, SkuGauge gauge, long units)
    {
        static final java.util.Comparator<Busy> ORDER = java.util.Comparator.comparingLong(Busy::units)
            .thenComparing(Busy::code, java.util.Comparator.reverseOrder());
    }

    private static void skuLine(final StringBuilder out, final String sku, final String state, final long value)
    {
        out.append("flashsale_sku_units{sku=\"").append(sku).append("\",state=\"").append(state).append("\"} ")
            .append(value).append('\n');
    }
}
