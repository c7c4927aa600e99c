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
 * What {@code /metrics} shows of the engine: results by command and code, and each SKU's counters
 * from the engine's events (seeded from the engine it starts with). An output stage with one writer
 * thread, the one that hands it the engine's outputs: a standalone node's responder, or a cluster
 * member's engine service, which sees every client's results and every event (its gateway's egress
 * carries only its own clients' results). Rendered from any thread.
 */
public final class EngineMetrics implements OutputStage
{
    private static final int COMMANDS = CommandKind.values().length;
    private static final int CODES = ResultCode.values().length;

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

    /** Counters of one SKU as the engine's events last showed them; written by the one writer thread only. */
    static final class SkuGauge
    {
        volatile long totalStock;
        volatile long available;
        volatile long held;
        volatile long sold;
    }

    /** Seeds the SKU gauges from the engine the writer starts with; before its first output, on the writer's thread. */
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
        lastGauge = null;
    }

    @Override
    public String name()
    {
        return "engine-metrics";
    }

    @Override
    public void onSlot(final OutputSlot slot, final boolean endOfBatch)
    {
        final DirectBuffer buffer = slot.buffer();
        header.wrap(buffer, 0);
        final int template = header.templateId();
        if (slot.isResult())
        {
            count(buffer, template);
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
    }

    /**
     * Renders the engine's result counts (every command and code from 0) and, for the
     * {@code topSkus} SKUs with the most units held and sold, their units by state: one series a
     * SKU and state, so a catalog of 400,000 SKUs would be 1.6 M series; 0 shows none.
     */
    public void render(final StringBuilder out, final int topSkus)
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
