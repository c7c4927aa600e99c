package dev.flashsale.engine;

import dev.flashsale.engine.protocol.ProtocolLimits;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The engine's bounds and policies, fixed at start. Every bound is a capacity allocated up front,
 * so reaching it is a {@code CAPACITY_EXHAUSTED} result, never an {@code OutOfMemoryError} or a
 * rehash mid-sale.
 *
 * <p>These values decide results (a capacity reached, a TTL out of bounds), so replaying a journal
 * must use the values it was written with: snapshots record them and a restore checks them.
 * {@link #validate()} checks them once; the engine validates again on construction.
 * docs/CONFIGURATION.md lists each with its key.
 */
public final class EngineConfig
{
    /**
     * Values that did not exist when older journals were written, each with the value that decides
     * as those nodes did: such a journal replays unchanged, and a node configured otherwise is
     * refused on it like any other configuration change.
     */
    private static final Map<String, Long> ADDED_LATER = Map.of("maxKeysPerCustomer", 0L);

    private int maxSkus = 100_000;
    private int checkoutCapacity = 200_000;
    private int maxLinesPerCheckout = ProtocolLimits.MAX_LINES_PER_CHECKOUT;
    private int maxQuantityPerLine = 10_000;
    private int customerCapacity = 1_000_000;
    private int customerOverflowCapacity = 100_000;
    private int maxHoldsPerCustomer = 16;
    private int idempotencyCapacity = 500_000;
    private int maxKeysPerCustomer = 64;
    private long idempotencyRetentionMs = 24L * 60 * 60 * 1000;
    private long checkoutRetentionMs = 24L * 60 * 60 * 1000;
    private long defaultHoldTtlMs = 10L * 60 * 1000;
    private long minHoldTtlMs = 1_000;
    private long maxHoldTtlMs = 60L * 60 * 1000;
    private int maxExpiriesPerInput = 256;
    private int maxEvictionsPerInput = 256;

    /** Most SKUs the engine can hold. SKUs are never deleted. */
    public int maxSkus()
    {
        return maxSkus;
    }

    public EngineConfig maxSkus(final int maxSkus)
    {
        this.maxSkus = maxSkus;
        return this;
    }

    /** Checkout slots: live holds plus terminal checkouts kept for retention. */
    public int checkoutCapacity()
    {
        return checkoutCapacity;
    }

    public EngineConfig checkoutCapacity(final int checkoutCapacity)
    {
        this.checkoutCapacity = checkoutCapacity;
        return this;
    }

    /** Lines of one checkout, 1..16; memory per checkout slot grows with it. */
    public int maxLinesPerCheckout()
    {
        return maxLinesPerCheckout;
    }

    public EngineConfig maxLinesPerCheckout(final int maxLinesPerCheckout)
    {
        this.maxLinesPerCheckout = maxLinesPerCheckout;
        return this;
    }

    /** Units of one line of a reserve. */
    public int maxQuantityPerLine()
    {
        return maxQuantityPerLine;
    }

    public EngineConfig maxQuantityPerLine(final int maxQuantityPerLine)
    {
        this.maxQuantityPerLine = maxQuantityPerLine;
        return this;
    }

    /**
     * Customers with units held or confirmed (what per-customer limits count). Each keeps two SKUs
     * in its own record; see {@link #customerOverflowCapacity()}.
     */
    public int customerCapacity()
    {
        return customerCapacity;
    }

    public EngineConfig customerCapacity(final int customerCapacity)
    {
        this.customerCapacity = customerCapacity;
        return this;
    }

    /** (customer, SKU) pairs beyond the two SKUs each customer keeps in its own record. */
    public int customerOverflowCapacity()
    {
        return customerOverflowCapacity;
    }

    public EngineConfig customerOverflowCapacity(final int customerOverflowCapacity)
    {
        this.customerOverflowCapacity = customerOverflowCapacity;
        return this;
    }

    /** Live (HELD) checkouts of one customer. */
    public int maxHoldsPerCustomer()
    {
        return maxHoldsPerCustomer;
    }

    public EngineConfig maxHoldsPerCustomer(final int maxHoldsPerCustomer)
    {
        this.maxHoldsPerCustomer = maxHoldsPerCustomer;
        return this;
    }

    /** Stored idempotency keys of successful reserves. */
    public int idempotencyCapacity()
    {
        return idempotencyCapacity;
    }

    public EngineConfig idempotencyCapacity(final int idempotencyCapacity)
    {
        this.idempotencyCapacity = idempotencyCapacity;
        return this;
    }

    /**
     * Stored idempotency keys of one customer (all clients together); 0 = no bound. The table of
     * keys is shared by every shopper and a key is kept for {@link #idempotencyRetentionMs()}, so
     * without a bound a few accounts that reserve and cancel with fresh keys fill it for everyone.
     * A customer at the bound gets {@code TOO_MANY_KEYS} for a reserve with a new key; none of
     * their keys is evicted early, since a retry would then take a second hold.
     */
    public int maxKeysPerCustomer()
    {
        return maxKeysPerCustomer;
    }

    public EngineConfig maxKeysPerCustomer(final int maxKeysPerCustomer)
    {
        this.maxKeysPerCustomer = maxKeysPerCustomer;
        return this;
    }

    /** Engine time an idempotency key is kept after its reserve. */
    public long idempotencyRetentionMs()
    {
        return idempotencyRetentionMs;
    }

    public EngineConfig idempotencyRetentionMs(final long idempotencyRetentionMs)
    {
        this.idempotencyRetentionMs = idempotencyRetentionMs;
        return this;
    }

    /**
     * Engine time a confirmed, released or expired checkout stays readable. When every slot is
     * taken, the oldest terminal checkout gives its slot to a new hold earlier than that.
     */
    public long checkoutRetentionMs()
    {
        return checkoutRetentionMs;
    }

    public EngineConfig checkoutRetentionMs(final long checkoutRetentionMs)
    {
        this.checkoutRetentionMs = checkoutRetentionMs;
        return this;
    }

    /** Hold time-to-live when a reserve asks for 0. */
    public long defaultHoldTtlMs()
    {
        return defaultHoldTtlMs;
    }

    public EngineConfig defaultHoldTtlMs(final long defaultHoldTtlMs)
    {
        this.defaultHoldTtlMs = defaultHoldTtlMs;
        return this;
    }

    public long minHoldTtlMs()
    {
        return minHoldTtlMs;
    }

    public EngineConfig minHoldTtlMs(final long minHoldTtlMs)
    {
        this.minHoldTtlMs = minHoldTtlMs;
        return this;
    }

    public long maxHoldTtlMs()
    {
        return maxHoldTtlMs;
    }

    public EngineConfig maxHoldTtlMs(final long maxHoldTtlMs)
    {
        this.maxHoldTtlMs = maxHoldTtlMs;
        return this;
    }

    /** Due holds expired before each input: bounds the work of one input. */
    public int maxExpiriesPerInput()
    {
        return maxExpiriesPerInput;
    }

    public EngineConfig maxExpiriesPerInput(final int maxExpiriesPerInput)
    {
        this.maxExpiriesPerInput = maxExpiriesPerInput;
        return this;
    }

    /** Retained checkouts, and separately idempotency keys, evicted before each input. */
    public int maxEvictionsPerInput()
    {
        return maxEvictionsPerInput;
    }

    public EngineConfig maxEvictionsPerInput(final int maxEvictionsPerInput)
    {
        this.maxEvictionsPerInput = maxEvictionsPerInput;
        return this;
    }

    /**
     * Checks every value and their relations.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first bad value.
     */
    public EngineConfig validate()
    {
        require(maxSkus >= 1 && maxSkus <= 10_000_000, "maxSkus", maxSkus, "1..10,000,000");
        require(checkoutCapacity >= 1 && checkoutCapacity <= CheckoutStore.MAX_CAPACITY,
            "checkoutCapacity", checkoutCapacity, "1.." + CheckoutStore.MAX_CAPACITY);
        require(maxLinesPerCheckout >= 1 && maxLinesPerCheckout <= ProtocolLimits.MAX_LINES_PER_CHECKOUT,
            "maxLinesPerCheckout", maxLinesPerCheckout, "1.." + ProtocolLimits.MAX_LINES_PER_CHECKOUT);
        require(maxQuantityPerLine >= 1 && maxQuantityPerLine <= ProtocolLimits.MAX_STOCK,
            "maxQuantityPerLine", maxQuantityPerLine, "1.." + ProtocolLimits.MAX_STOCK);
        // a checkout's total (unit price times quantity, over its lines) must fit the long it is summed and shown in
        require((long)maxQuantityPerLine * maxLinesPerCheckout <= ProtocolLimits.MAX_UNITS_PER_CHECKOUT, "maxQuantityPerLine",
            maxQuantityPerLine, "at most " + ProtocolLimits.MAX_UNITS_PER_CHECKOUT + " units in all maxLinesPerCheckout lines," +
            " so a checkout's total at the highest unit price (" + ProtocolLimits.MAX_PRICE_MINOR + ") fits in 64 bits");
        // the customer table's single long[] (4 per row, rows a power of two at load <= 0.7) must fit an array
        require(customerCapacity >= 1 && customerCapacity <= 150_000_000,
            "customerCapacity", customerCapacity, "1..150,000,000");
        require(customerOverflowCapacity >= 1 && customerOverflowCapacity <= 500_000_000,
            "customerOverflowCapacity", customerOverflowCapacity, "1..500,000,000");
        require(maxHoldsPerCustomer >= 1, "maxHoldsPerCustomer", maxHoldsPerCustomer, "at least 1");
        require(idempotencyCapacity >= 1 && idempotencyCapacity <= 500_000_000,
            "idempotencyCapacity", idempotencyCapacity, "1..500,000,000");
        require(maxKeysPerCustomer >= 0, "maxKeysPerCustomer", maxKeysPerCustomer, "at least 0 (0 = no bound)");
        // a key forgotten while its hold may still be live would let a retry take a second hold
        require(idempotencyRetentionMs >= maxHoldTtlMs, "idempotencyRetentionMs", idempotencyRetentionMs,
            "at least maxHoldTtlMs");
        require(checkoutRetentionMs >= 0, "checkoutRetentionMs", checkoutRetentionMs, "at least 0");
        require(minHoldTtlMs >= 1, "minHoldTtlMs", minHoldTtlMs, "at least 1");
        require(maxHoldTtlMs >= minHoldTtlMs, "maxHoldTtlMs", maxHoldTtlMs, "at least minHoldTtlMs");
        require(defaultHoldTtlMs >= minHoldTtlMs && defaultHoldTtlMs <= maxHoldTtlMs,
            "defaultHoldTtlMs", defaultHoldTtlMs, "within minHoldTtlMs..maxHoldTtlMs");
        require(maxExpiriesPerInput >= 1, "maxExpiriesPerInput", maxExpiriesPerInput, "at least 1");
        require(maxEvictionsPerInput >= 1, "maxEvictionsPerInput", maxEvictionsPerInput, "at least 1");
        return this;
    }

    /** @return every value by name, in a fixed order: for logs, snapshots and error messages. */
    public Map<String, Long> values()
    {
        final Map<String, Long> values = new LinkedHashMap<>();
        values.put("maxSkus", (long)maxSkus);
        values.put("checkoutCapacity", (long)checkoutCapacity);
        values.put("maxLinesPerCheckout", (long)maxLinesPerCheckout);
        values.put("maxQuantityPerLine", (long)maxQuantityPerLine);
        values.put("customerCapacity", (long)customerCapacity);
        values.put("customerOverflowCapacity", (long)customerOverflowCapacity);
        values.put("maxHoldsPerCustomer", (long)maxHoldsPerCustomer);
        values.put("idempotencyCapacity", (long)idempotencyCapacity);
        values.put("maxKeysPerCustomer", (long)maxKeysPerCustomer);
        values.put("idempotencyRetentionMs", idempotencyRetentionMs);
        values.put("checkoutRetentionMs", checkoutRetentionMs);
        values.put("defaultHoldTtlMs", defaultHoldTtlMs);
        values.put("minHoldTtlMs", minHoldTtlMs);
        values.put("maxHoldTtlMs", maxHoldTtlMs);
        values.put("maxExpiriesPerInput", (long)maxExpiriesPerInput);
        values.put("maxEvictionsPerInput", (long)maxEvictionsPerInput);
        return values;
    }

    /**
     * The inverse of {@link #values()}: a configuration from values by name (from a journal's
     * metadata). A value added after a journal was written takes the value that decides as that
     * journal's node did ({@link #ADDED_LATER}).
     *
     * @throws IllegalArgumentException naming a missing or unknown value.
     */
    public static EngineConfig fromValues(final Map<String, Long> given)
    {
        final EngineConfig config = new EngineConfig();
        final Map<String, Long> known = config.values();
        for (final String name : given.keySet())
        {
            if (!known.containsKey(name))
            {
                throw new IllegalArgumentException("unknown engine config value " + name);
            }
        }
        final Map<String, Long> values = new LinkedHashMap<>(given);
        for (final String name : known.keySet())
        {
            if (!values.containsKey(name) && ADDED_LATER.containsKey(name))
            {
                values.put(name, ADDED_LATER.get(name));
            }
            if (!values.containsKey(name))
            {
                throw new IllegalArgumentException("engine config value " + name + " is missing");
            }
        }
        return config
            .maxSkus(Math.toIntExact(values.get("maxSkus")))
            .checkoutCapacity(Math.toIntExact(values.get("checkoutCapacity")))
            .maxLinesPerCheckout(Math.toIntExact(values.get("maxLinesPerCheckout")))
            .maxQuantityPerLine(Math.toIntExact(values.get("maxQuantityPerLine")))
            .customerCapacity(Math.toIntExact(values.get("customerCapacity")))
            .customerOverflowCapacity(Math.toIntExact(values.get("customerOverflowCapacity")))
            .maxHoldsPerCustomer(Math.toIntExact(values.get("maxHoldsPerCustomer")))
            .idempotencyCapacity(Math.toIntExact(values.get("idempotencyCapacity")))
            .maxKeysPerCustomer(Math.toIntExact(values.get("maxKeysPerCustomer")))
            .idempotencyRetentionMs(values.get("idempotencyRetentionMs"))
            .checkoutRetentionMs(values.get("checkoutRetentionMs"))
            .defaultHoldTtlMs(values.get("defaultHoldTtlMs"))
            .minHoldTtlMs(values.get("minHoldTtlMs"))
            .maxHoldTtlMs(values.get("maxHoldTtlMs"))
            .maxExpiriesPerInput(Math.toIntExact(values.get("maxExpiriesPerInput")))
            .maxEvictionsPerInput(Math.toIntExact(values.get("maxEvictionsPerInput")));
    }

    /** @return a copy. */
    public EngineConfig copy()
    {
        return fromValues(values());
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof EngineConfig && values().equals(((EngineConfig)other).values());
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(values());
    }

    @Override
    public String toString()
    {
        return "EngineConfig" + values();
    }

    private static void require(final boolean condition, final String name, final long value, final String range)
    {
        if (!condition)
        {
            throw new IllegalArgumentException("engine config " + name + "=" + value + ": must be " + range);
        }
    }
}
