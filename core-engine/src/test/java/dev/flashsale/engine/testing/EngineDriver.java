package dev.flashsale.engine.testing;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * Drives an engine input by input with a manual clock: encodes each command, applies it with the
 * next sequence and the current time, decodes the output, and (by default) verifies every
 * invariant after every input.
 */
public final class EngineDriver
{
    public static final long START_MS = 1_700_000_000_000L;
    public static final int CLIENT = 7;

    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private final RecordingOutput output = new RecordingOutput();
    private Engine engine;
    private long sequence;
    private long timeMs;
    private boolean verifyEveryInput = true;

    /** @return a configuration small enough for fast tests, with the default policies. */
    public static EngineConfig testConfig()
    {
        return new EngineConfig()
            .maxSkus(64)
            .checkoutCapacity(1_000)
            .customerCapacity(4_000)
            .customerOverflowCapacity(1_000)
            .idempotencyCapacity(1_000);
    }

    public EngineDriver(final EngineConfig config)
    {
        this(new Engine(config), START_MS);
    }

    public EngineDriver(final Engine engine, final long timeMs)
    {
        this.engine = engine;
        this.sequence = engine.lastSequence();
        this.timeMs = timeMs;
    }

    public Engine engine()
    {
        return engine;
    }

    /** Replaces the engine (after a snapshot restore), continuing its sequence. */
    public void engine(final Engine engine)
    {
        this.engine = engine;
        this.sequence = engine.lastSequence();
    }

    public EngineDriver verifyEveryInput(final boolean verify)
    {
        verifyEveryInput = verify;
        return this;
    }

    public long timeMs()
    {
        return timeMs;
    }

    public long sequence()
    {
        return sequence;
    }

    /** Moves the clock that stamps the next inputs; it may go back, the engine's time does not. */
    public EngineDriver timeMs(final long timeMs)
    {
        this.timeMs = timeMs;
        return this;
    }

    public EngineDriver advance(final long ms)
    {
        timeMs += ms;
        return this;
    }

    public List<Out> upsertSku(
        final String sku,
        final int totalStock,
        final int limit,
        final long priceMinor,
        final String currency,
        final long startsAtMs,
        final long endsAtMs)
    {
        return apply(writer.upsertSku(buffer, 0, sku, totalStock, limit, priceMinor, currency, startsAtMs, endsAtMs));
    }

    /** A SKU on sale from time 0 forever, at 19.99 EUR. */
    public List<Out> upsertSku(final String sku, final int totalStock, final int limit)
    {
        return upsertSku(sku, totalStock, limit, 1999, "EUR", 0, Long.MAX_VALUE);
    }

    public List<Out> restock(final String sku, final int quantity)
    {
        return apply(writer.restock(buffer, 0, sku, quantity));
    }

    public List<Out> adjustStock(final String sku, final int totalStock)
    {
        return apply(writer.adjustStock(buffer, 0, sku, totalStock));
    }

    public List<Out> pause(final String sku)
    {
        return apply(writer.pauseSale(buffer, 0, sku));
    }

    public List<Out> resume(final String sku)
    {
        return apply(writer.resumeSale(buffer, 0, sku));
    }

    public List<Out> availability(final String sku)
    {
        return apply(writer.getAvailability(buffer, 0, sku));
    }

    public List<Out> reserve(
        final long customerId, final long holdTtlMs, final String key, final String sku, final int quantity)
    {
        return apply(writer.reserve(buffer, 0, CLIENT, customerId, holdTtlMs, key, sku, quantity));
    }

    public List<Out> reserve(
        final int clientId,
        final long customerId,
        final long holdTtlMs,
        final String key,
        final String[] skus,
        final int[] quantities)
    {
        return apply(writer.reserve(buffer, 0, clientId, customerId, holdTtlMs, key, skus, quantities, skus.length));
    }

    public List<Out> confirm(final long customerId, final long checkoutId, final String paymentRef)
    {
        return apply(writer.confirm(buffer, 0, customerId, checkoutId, paymentRef));
    }

    public List<Out> cancel(final long customerId, final long checkoutId)
    {
        return apply(writer.cancel(buffer, 0, customerId, checkoutId));
    }

    public List<Out> getCheckout(final long customerId, final long checkoutId)
    {
        return apply(writer.getCheckout(buffer, 0, customerId, checkoutId));
    }

    public List<Out> tick()
    {
        return apply(writer.tick(buffer, 0));
    }

    /** Applies raw bytes as an input. */
    public List<Out> raw(final DirectBuffer bytes, final int offset, final int length)
    {
        final long next = sequence + 1;
        engine.apply(next, timeMs, bytes, offset, length, output);
        sequence = next;
        final List<Out> messages = output.take();
        if (verifyEveryInput)
        {
            engine.verifyInvariants();
        }
        return messages;
    }

    /** The scratch buffer commands are encoded into; for tests that corrupt an encoded command. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public CommandWriter writer()
    {
        return writer;
    }

    private List<Out> apply(final int length)
    {
        return raw(buffer, 0, length);
    }

    /** @return the result: the last message. */
    @SuppressWarnings("unchecked")
    public static <T extends Out> T result(final List<Out> messages)
    {
        return (T)messages.get(messages.size() - 1);
    }

    /** @return the result code of an input's output. */
    public static ResultCode code(final List<Out> messages)
    {
        final Out last = result(messages);
        if (last instanceof Out.SkuResult r)
        {
            return r.code();
        }
        if (last instanceof Out.CheckoutResult r)
        {
            return r.code();
        }
        return ((Out.Ack)last).code();
    }

    /** @return the checkout id of a successful checkout result; fails on another code. */
    public static long checkoutId(final List<Out> messages)
    {
        final Out.CheckoutResult r = result(messages);
        if (r.code() != ResultCode.OK)
        {
            throw new AssertionError("expected OK: " + messages);
        }
        return r.checkoutId();
    }

    /** @return the events: every message but the last. */
    public static List<Out> events(final List<Out> messages)
    {
        return messages.subList(0, messages.size() - 1);
    }
}
