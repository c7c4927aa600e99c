package dev.flashsale.engine;

import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.engine.testing.Cmd;
import dev.flashsale.engine.testing.CommandGenerator;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.RecordingOutput;
import dev.flashsale.engine.testing.ReferenceModel;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine against {@link ReferenceModel} on long seeded random command sequences: every input
 * must give identical events and results, and every invariant must hold after every input.
 * Reproduce a failure with {@code -Dflashsale.seed=<seed printed>}.
 */
class DifferentialTest
{
    private static final int INPUTS_PER_RUN = Integer.getInteger("flashsale.differential.inputs", 100_000);
    private static final long SEED = Long.getLong("flashsale.seed", 0);

    /** Bounds small enough that capacities, limits, retention and bounded expiry are hit often. */
    static EngineConfig tight()
    {
        return new EngineConfig().maxSkus(8).checkoutCapacity(40).maxLinesPerCheckout(4).maxQuantityPerLine(5)
            .customerCapacity(55).customerOverflowCapacity(30).maxHoldsPerCustomer(2).idempotencyCapacity(25).maxKeysPerCustomer(2)
            .idempotencyRetentionMs(30_000).checkoutRetentionMs(20_000)
            .minHoldTtlMs(100).maxHoldTtlMs(10_000).defaultHoldTtlMs(3_000)
            .maxExpiriesPerInput(2).maxEvictionsPerInput(2);
    }

    /** Room to grow: long retention, many lines, big expiry batches. */
    static EngineConfig roomy()
    {
        return new EngineConfig().maxSkus(16).checkoutCapacity(2_000).maxLinesPerCheckout(16).maxQuantityPerLine(10)
            .customerCapacity(2_000).customerOverflowCapacity(1_000).maxHoldsPerCustomer(4).idempotencyCapacity(2_000)
            .idempotencyRetentionMs(120_000).checkoutRetentionMs(60_000)
            .minHoldTtlMs(100).maxHoldTtlMs(60_000).defaultHoldTtlMs(5_000)
            .maxExpiriesPerInput(64).maxEvictionsPerInput(64);
    }

    @Test
    void tightBoundsMatchTheModel()
    {
        final Map<String, Integer> seen = new TreeMap<>();
        for (final long seed : seeds(11, 12))
        {
            run("tight", tight(), seed, 60, 1, seen);
        }
        assertEverythingExercised(seen, EnumSet.noneOf(ResultCode.class));
    }

    @Test
    void roomyBoundsMatchTheModel()
    {
        final Map<String, Integer> seen = new TreeMap<>();
        for (final long seed : seeds(21, 22))
        {
            run("roomy", roomy(), seed, 400, 16, seen);
        }
        assertEverythingExercised(seen,
            EnumSet.of(ResultCode.CAPACITY_EXHAUSTED, ResultCode.TOO_MANY_HOLDS, ResultCode.TOO_MANY_KEYS));
    }

    /** A differential run proves little about paths it never took: every code and event must show up. */
    private static void assertEverythingExercised(final Map<String, Integer> seen, final Set<ResultCode> mayBeAbsent)
    {
        System.out.println("exercised: " + seen);
        for (final ResultCode code : ResultCode.values())
        {
            if (code != ResultCode.NULL_VAL && !mayBeAbsent.contains(code))
            {
                assertThat(seen).as("result code " + code + " never produced").containsKey(code.name());
            }
        }
        for (final Class<?> event : Out.class.getPermittedSubclasses())
        {
            if (event != Out.Ack.class && event != Out.SkuResult.class && event != Out.CheckoutResult.class)
            {
                assertThat(seen).as("event " + event.getSimpleName() + " never produced").containsKey(event.getSimpleName());
            }
        }
        assertThat(seen.getOrDefault("replayed", 0)).as("replayed results").isPositive();
    }

    private static long[] seeds(final long... defaults)
    {
        return SEED != 0 ? new long[] {SEED} : defaults;
    }

    static void run(
        final String name,
        final EngineConfig config,
        final long seed,
        final int customers,
        final int verifyEvery,
        final Map<String, Integer> seen)
    {
        final Engine engine = new Engine(config);
        final ReferenceModel model = new ReferenceModel(config);
        final CommandGenerator generator =
            new CommandGenerator(seed, customers, config.minHoldTtlMs(), config.maxHoldTtlMs(), EngineDriver.START_MS);
        final CommandWriter writer = new CommandWriter();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
        final RecordingOutput output = new RecordingOutput();
        final ArrayDeque<String> recent = new ArrayDeque<>();
        final List<Cmd> setup = generator.setup();
        final int total = setup.size() + INPUTS_PER_RUN;
        for (int i = 0; i < total; i++)
        {
            final Cmd cmd = i < setup.size() ? setup.get(i) : generator.next();
            final long timeMs = generator.nextTimeMs();
            final long sequence = i + 1;
            recent.addLast("#" + sequence + " t=" + timeMs + " " + cmd);
            if (recent.size() > 25)
            {
                recent.removeFirst();
            }
            try
            {
                engine.apply(sequence, timeMs, buffer, 0, cmd.encode(writer, buffer), output);
                final List<Out> actual = output.take();
                final List<Out> expected = model.apply(sequence, timeMs, cmd);
                final List<Out> mapped = new ArrayList<>();
                for (final Out out : actual)
                {
                    mapped.add(toModelIds(out));
                }
                if (!mapped.equals(expected))
                {
                    throw new AssertionError("engine and model disagree\n engine: " + mapped + "\n model:  " + expected);
                }
                count(expected, seen);
                for (int m = 0; m < actual.size(); m++)
                {
                    if (actual.get(m) instanceof Out.CheckoutHeld h)
                    {
                        generator.held(((Out.CheckoutHeld)expected.get(m)).checkoutId(), h.checkoutId(), h.customerId());
                    }
                }
                if (i % verifyEvery == 0 || i == total - 1)
                {
                    engine.verifyInvariants();
                }
            }
            catch (final AssertionError | RuntimeException | InvariantViolation ex)
            {
                throw new AssertionError("differential run '" + name + "' failed: seed=" + seed + " (rerun with -Dflashsale.seed=" +
                    seed + ") at input " + sequence + "\nlast inputs:\n  " + String.join("\n  ", recent), ex);
            }
        }
    }

    private static void count(final List<Out> messages, final Map<String, Integer> seen)
    {
        for (final Out out : messages)
        {
            if (out instanceof Out.CheckoutResult r)
            {
                seen.merge(r.code().name(), 1, Integer::sum);
                if (r.replayed())
                {
                    seen.merge("replayed", 1, Integer::sum);
                }
            }
            else if (out instanceof Out.SkuResult r)
            {
                seen.merge(r.code().name(), 1, Integer::sum);
            }
            else if (!out.isResult())
            {
                seen.merge(out.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
    }

    /** Engine checkout ids are {@code serial << 24 | slot}; the model's are the serials. */
    private static long mapId(final long id)
    {
        return id > 0 && id < (1L << 62) ? id >>> 24 : id;
    }

    private static Out toModelIds(final Out out)
    {
        if (out instanceof Out.CheckoutResult r)
        {
            return new Out.CheckoutResult(r.inputSequence(), r.engineTimeMs(), r.command(), r.code(), r.replayed(),
                r.state(), mapId(r.checkoutId()), r.customerId(), r.createdAtMs(), r.expiresAtMs(), r.lines());
        }
        if (out instanceof Out.CheckoutHeld e)
        {
            return new Out.CheckoutHeld(e.inputSequence(), e.engineTimeMs(), mapId(e.checkoutId()), e.customerId(),
                e.expiresAtMs(), e.lines());
        }
        if (out instanceof Out.CheckoutConfirmed e)
        {
            return new Out.CheckoutConfirmed(e.inputSequence(), e.engineTimeMs(), mapId(e.checkoutId()), e.customerId(),
                e.paymentRef(), e.lines());
        }
        if (out instanceof Out.CheckoutReleased e)
        {
            return new Out.CheckoutReleased(e.inputSequence(), e.engineTimeMs(), mapId(e.checkoutId()), e.customerId(),
                e.lines());
        }
        if (out instanceof Out.CheckoutExpired e)
        {
            return new Out.CheckoutExpired(e.inputSequence(), e.engineTimeMs(), mapId(e.checkoutId()), e.customerId(),
                e.expiresAtMs(), e.lines());
        }
        return out;
    }
}
