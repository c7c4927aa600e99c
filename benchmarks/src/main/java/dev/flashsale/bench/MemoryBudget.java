package dev.flashsale.bench;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.EngineStats;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures the engine's heap: bytes per unit of each capacity, and the full budget of DESIGN.md
 * (1 M live holds, 100,000 SKUs, 10 M customers with limits) filled for real in the heap the JVM
 * was given. Run with {@code java -Xmx2g -jar benchmarks/target/benchmarks.jar memory}.
 *
 * <p>Bytes per unit: heap used after a full GC by an engine with one capacity raised, minus a
 * baseline engine, divided by the raise. The fill then applies real inputs (the engine allocates
 * everything at construction, so the heap after the fill shows nothing grew).
 */
final class MemoryBudget
{
    private static final int SKUS = 100_000;
    private static final int LIVE_HOLDS = 1_000_000;
    private static final int CUSTOMERS = 10_000_000;
    private static final long START_MS = 1_700_000_000_000L;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private final Inputs.DiscardingOutput output = new Inputs.DiscardingOutput();
    private long sequence;

    private MemoryBudget()
    {
    }

    static void main(final String[] args)
    {
        new MemoryBudget().run();
    }

    private void run()
    {
        System.out.printf("heap max %,d MB; JVM %s%n%n", Runtime.getRuntime().maxMemory() >> 20,
            System.getProperty("java.vm.version"));
        final EngineConfig base = new EngineConfig().maxSkus(1).checkoutCapacity(1).customerCapacity(1)
            .customerOverflowCapacity(1).idempotencyCapacity(1);
        System.out.println("bytes per unit of capacity (heap after GC, against a minimal engine)");
        perUnit("checkout slot, 16 lines", base.copy().checkoutCapacity(1_000_000), 1_000_000, base);
        perUnit("checkout slot, 1 line", base.copy().checkoutCapacity(1_000_000).maxLinesPerCheckout(1), 1_000_000,
            base.copy().maxLinesPerCheckout(1));
        perUnit("customer", base.copy().customerCapacity(10_000_000), 10_000_000, base);
        perUnit("customer overflow pair", base.copy().customerOverflowCapacity(1_000_000), 1_000_000, base);
        perUnit("idempotency key", base.copy().idempotencyCapacity(1_000_000), 1_000_000, base);
        perUnit("SKU", base.copy().maxSkus(100_000), 100_000, base);
        System.out.println();
        fill();
    }

    private void perUnit(final String what, final EngineConfig config, final int units, final EngineConfig baseline)
    {
        final long before = usedAfterGc();
        Engine small = new Engine(baseline);
        final long baseBytes = usedAfterGc() - before;
        small = null;
        final long again = usedAfterGc();
        final Engine engine = new Engine(config);
        final long bytes = usedAfterGc() - again;
        System.out.printf("  %-26s %,8.1f bytes  (%,d units: %,d MB)%n", what, (bytes - baseBytes) / (double)units, units,
            bytes >> 20);
        keep(engine, small);
    }

    private void fill()
    {
        final EngineConfig config = new EngineConfig().maxSkus(SKUS).checkoutCapacity(LIVE_HOLDS)
            .customerCapacity(CUSTOMERS).idempotencyCapacity(LIVE_HOLDS).checkoutRetentionMs(1)
            .maxQuantityPerLine(1);
        final long empty = usedAfterGc();
        final Engine engine = new Engine(config);
        final long allocated = usedAfterGc() - empty;
        System.out.printf("the budget: %,d SKUs, %,d live holds (16 lines each possible), %,d customers%n", SKUS,
            LIVE_HOLDS, CUSTOMERS);
        System.out.printf("  engine allocated at start      %,6d MB%n", allocated >> 20);

        final long startNs = System.nanoTime();
        for (int sku = 0; sku < SKUS; sku++)
        {
            apply(engine, writer.upsertSku(buffer, 0, "SKU-" + sku, ProtocolLimits.MAX_STOCK, 10, 4_999, "EUR", 0,
                Long.MAX_VALUE));
        }
        final long toConfirm = CUSTOMERS - LIVE_HOLDS;
        for (long customer = 1; customer <= toConfirm; customer++)
        {
            final String sku = "SKU-" + (customer % SKUS);
            apply(engine, writer.reserve(buffer, 0, 1, customer, 3_600_000, "", sku, 1));
            apply(engine, writer.confirm(buffer, 0, customer, output.lastCheckoutId, "psp"));
        }
        for (long customer = toConfirm + 1; customer <= CUSTOMERS; customer++)
        {
            final String sku = "SKU-" + (customer % SKUS);
            apply(engine, writer.reserve(buffer, 0, 1, customer, 3_600_000, "key-" + customer, sku, 1));
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        final EngineStats stats = engine.stats();
        final long filled = usedAfterGc() - empty;
        System.out.printf("  filled with %,d inputs in %.1f s%n", sequence, seconds);
        System.out.printf("  %s%n", stats);
        System.out.printf("  engine after the fill          %,6d MB (grew %,d MB)%n", filled >> 20, (filled - allocated) >> 20);
        System.out.printf("  heap used / max                %,6d / %,d MB%n", usedAfterGc() >> 20,
            Runtime.getRuntime().maxMemory() >> 20);
        if (stats.liveHolds() != LIVE_HOLDS || stats.customers() != CUSTOMERS || stats.skus() != SKUS)
        {
            throw new IllegalStateException("the fill did not reach the budget: " + stats);
        }
        keep(engine, null);
    }

    private void apply(final Engine engine, final int length)
    {
        engine.apply(++sequence, START_MS + sequence / 1_000, buffer, 0, length, output);
    }

    private long usedAfterGc()
    {
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void keep(final Object a, final Object b)
    {
        if (a == null && b == new Object())
        {
            System.out.println();
        }
    }
}
