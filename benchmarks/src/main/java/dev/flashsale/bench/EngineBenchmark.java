package dev.flashsale.bench;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The engine alone, on one thread: inputs per second and, with {@code -prof gc}, bytes allocated
 * per input. One input per operation, two for the paired benchmarks.
 *
 * <p>Engine time advances 1 ms every 64 inputs. Holds last 1 s of engine time, so in the
 * benchmarks where reserves succeed about 64,000 holds are live and each reserve also pays for
 * about one expiry in housekeeping. Customers rotate over a million ids, so the per-customer limit
 * is looked up in a table of up to a million entries. The tear-down checks every invariant, so a
 * benchmark that broke the engine fails instead of reporting a number.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineBenchmark
{
    private static final long START_MS = 1_700_000_000_000L;
    private static final int SPREAD_SKUS = 10_000;
    private static final int PREFETCH_GROUP = 16;

    /** Distinct customers the inputs rotate over: a thousand stay in cache, a million do not. */
    @Param({"1000000"})
    public int customers;

    private final Inputs.DiscardingOutput output = new Inputs.DiscardingOutput();
    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer confirm = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private final UnsafeBuffer tick = new UnsafeBuffer(new byte[64]);
    private int tickLength;
    private Engine engine;
    private long sequence;
    private long nowMs;
    private long customer;
    private Inputs.Encoded soldOutReserve;
    private Inputs.Encoded hotReserve;
    private Inputs.Encoded[] spreadReserves;
    private Inputs.Encoded expiringReserve;
    private final Inputs.Encoded[] group = new Inputs.Encoded[PREFETCH_GROUP];

    @Setup(Level.Trial)
    public void setUp()
    {
        engine = new Engine(new EngineConfig().maxSkus(20_000).checkoutCapacity(200_000)
            .customerCapacity(200_000).minHoldTtlMs(1).checkoutRetentionMs(1_000));
        nowMs = START_MS;
        tickLength = writer.tick(tick, 0);

        apply(Inputs.upsert("HOT-SOLD-OUT", 1_000, 2));
        final Inputs.Encoded sellOut = Inputs.reserve("HOT-SOLD-OUT", 2, 3_600_000);
        for (int i = 0; i < 500; i++)
        {
            sellOut.customerId(customers + 1 + i);
            apply(sellOut);
        }
        soldOutReserve = Inputs.reserve("HOT-SOLD-OUT", 1, 1_000);
        for (int i = 0; i < PREFETCH_GROUP; i++)
        {
            group[i] = Inputs.reserve("HOT-SOLD-OUT", 1, 1_000);
        }

        apply(Inputs.upsert("HOT", ProtocolLimits.MAX_STOCK, ProtocolLimits.MAX_STOCK));
        hotReserve = Inputs.reserve("HOT", 1, 1_000);

        spreadReserves = new Inputs.Encoded[SPREAD_SKUS];
        for (int i = 0; i < SPREAD_SKUS; i++)
        {
            apply(Inputs.upsert("SKU-" + i, ProtocolLimits.MAX_STOCK, 4));
            spreadReserves[i] = Inputs.reserve("SKU-" + i, 1, 1_000);
        }
        expiringReserve = Inputs.reserve("HOT", 1, 1);
    }

    @TearDown(Level.Trial)
    public void checkInvariants()
    {
        engine.verifyInvariants();
    }

    /** The burst after sell-out: every reserve passes validation, limits and is refused SOLD_OUT. */
    @Benchmark
    public long hotSkuReserveSoldOut()
    {
        soldOutReserve.customerId(nextCustomer());
        return apply(soldOutReserve);
    }

    /**
     * The same burst applied the way the pipeline's engine stage does it: the customer rows of a
     * group of 16 inputs are touched first, so their cache misses overlap.
     */
    @Benchmark
    @OperationsPerInvocation(PREFETCH_GROUP)
    public long hotSkuReserveSoldOutPrefetched()
    {
        long touched = 0;
        for (int i = 0; i < PREFETCH_GROUP; i++)
        {
            final Inputs.Encoded input = group[i];
            input.customerId(nextCustomer());
            touched += engine.prefetch(input.buffer, 0, input.length);
        }
        for (int i = 0; i < PREFETCH_GROUP; i++)
        {
            apply(group[i]);
        }
        return output.bytes + touched;
    }

    /** One hot SKU whose stock never runs out (expiries return it): reserves succeed. */
    @Benchmark
    public long hotSkuReserveSucceeds()
    {
        hotReserve.customerId(nextCustomer());
        return apply(hotReserve);
    }

    /** Reserves spread over 10,000 SKUs, each succeeding. */
    @Benchmark
    public long spreadReserveSucceeds()
    {
        final Inputs.Encoded reserve = spreadReserves[(int)(sequence % SPREAD_SKUS)];
        reserve.customerId(nextCustomer());
        return apply(reserve);
    }

    /**
     * A reserve on the hot SKU, then the confirm of that checkout. (One SKU: confirmed units stay
     * counted per customer and SKU forever, so spreading would fill the customer table.)
     */
    @Benchmark
    @OperationsPerInvocation(2)
    public long reserveThenConfirm()
    {
        final long customerId = nextCustomer();
        hotReserve.customerId(customerId);
        apply(hotReserve);
        final int length = writer.confirm(confirm, 0, customerId, output.lastCheckoutId, "psp-benchmark");
        return apply(confirm, length);
    }

    /** A reserve with a 1 ms hold, then a tick 1 ms later whose housekeeping expires it. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long reserveThenExpire()
    {
        expiringReserve.customerId(nextCustomer());
        apply(expiringReserve);
        nowMs++;
        return apply(tick, tickLength);
    }

    private long nextCustomer()
    {
        customer = customer == customers ? 1 : customer + 1;
        return customer;
    }

    private long apply(final Inputs.Encoded input)
    {
        return apply(input.buffer, input.length);
    }

    private long apply(final UnsafeBuffer buffer, final int length)
    {
        if ((++sequence & 63) == 0)
        {
            nowMs++;
        }
        engine.apply(sequence, nowMs, buffer, 0, length, output);
        return output.bytes;
    }
}
