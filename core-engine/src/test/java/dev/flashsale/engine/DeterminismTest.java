package dev.flashsale.engine;

import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.engine.testing.Cmd;
import dev.flashsale.engine.testing.CommandGenerator;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.RecordingOutput;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule everything rests on: state after input N is a function of inputs 1..N. The same inputs
 * give the same events and state hashes, and a snapshot taken midway, restored and fed the rest,
 * ends where the uninterrupted run ends.
 */
class DeterminismTest
{
    private static final int INPUTS = 60_000;

    /** A recorded input: what a journal would hold. */
    private record Input(long sequence, long timeMs, byte[] bytes)
    {
    }

    @Test
    void theSameInputsGiveTheSameEventsAndStateHashes()
    {
        final List<Input> inputs = record(DifferentialTest.roomy(), 31);

        final List<Out> first = new ArrayList<>();
        final Engine a = replay(DifferentialTest.roomy(), inputs, 0, inputs.size(), first);
        final List<Out> second = new ArrayList<>();
        final Engine b = replay(DifferentialTest.roomy(), inputs, 0, inputs.size(), second);

        assertThat(second).isEqualTo(first);
        assertThat(b.stateHash()).isEqualTo(a.stateHash());
        assertThat(first).hasSizeGreaterThan(inputs.size());
    }

    @Test
    void aSnapshotRestoredMidwayEndsWithTheHashOfTheUninterruptedRun() throws IOException
    {
        for (final EngineConfig config : List.of(DifferentialTest.tight(), DifferentialTest.roomy()))
        {
            final List<Input> inputs = record(config, 32);
            final List<Out> uninterrupted = new ArrayList<>();
            final Engine whole = replay(config, inputs, 0, inputs.size(), uninterrupted);

            for (final int cut : new int[] {1, 777, inputs.size() / 2, inputs.size() - 1})
            {
                final Engine before = replay(config, inputs, 0, cut, new ArrayList<>());
                final byte[] snapshot = snapshot(before);
                final Engine restored = Engine.readSnapshot(config, new ByteArrayInputStream(snapshot));
                assertThat(restored.stateHash()).as("hash after restore at " + cut).isEqualTo(before.stateHash());
                assertThat(snapshot(restored)).as("snapshot of the restored engine").isEqualTo(snapshot);

                final List<Out> rest = new ArrayList<>();
                continueWith(restored, inputs, cut, inputs.size(), rest);
                assertThat(restored.stateHash()).as("hash at the end, cut at " + cut).isEqualTo(whole.stateHash());
                assertThat(rest).as("events after the cut " + cut)
                    .isEqualTo(uninterrupted.subList(uninterrupted.size() - rest.size(), uninterrupted.size()));
            }
        }
    }

    @Test
    void theStateHashSeesEveryKindOfChange()
    {
        final EngineDriver driver = new EngineDriver(EngineDriver.testConfig());
        final List<Long> hashes = new ArrayList<>();
        hashes.add(driver.engine().stateHash());
        driver.upsertSku("A", 10, 5);
        hashes.add(driver.engine().stateHash());
        final long checkout = EngineDriver.checkoutId(driver.reserve(1, 0, "key", "A", 1));
        hashes.add(driver.engine().stateHash());
        driver.pause("A");
        hashes.add(driver.engine().stateHash());
        driver.confirm(1, checkout, "pay");
        hashes.add(driver.engine().stateHash());

        assertThat(hashes).doesNotHaveDuplicates();
        assertThat(new Engine(EngineDriver.testConfig()).stateHash()).isEqualTo(hashes.get(0));
        assertThat(new Engine(EngineDriver.testConfig().maxSkus(65)).stateHash())
            .as("configuration is part of the state").isNotEqualTo(hashes.get(0));
    }

    static List<Input> record(final EngineConfig config, final long seed)
    {
        final CommandGenerator generator =
            new CommandGenerator(seed, 300, config.minHoldTtlMs(), config.maxHoldTtlMs(), EngineDriver.START_MS);
        final CommandWriter writer = new CommandWriter();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
        final Engine engine = new Engine(config);
        final RecordingOutput output = new RecordingOutput();
        final List<Input> inputs = new ArrayList<>();
        final List<Cmd> setup = generator.setup();
        for (int i = 0; i < setup.size() + INPUTS; i++)
        {
            final Cmd cmd = i < setup.size() ? setup.get(i) : generator.next();
            final int length = cmd.encode(writer, buffer);
            final byte[] bytes = new byte[length];
            buffer.getBytes(0, bytes);
            final Input input = new Input(i + 1, generator.nextTimeMs(), bytes);
            inputs.add(input);
            engine.apply(input.sequence(), input.timeMs(), new UnsafeBuffer(bytes), 0, length, output);
            for (final Out out : output.take())
            {
                if (out instanceof Out.CheckoutHeld h)
                {
                    generator.held(h.checkoutId(), h.checkoutId(), h.customerId());
                }
            }
        }
        return inputs;
    }

    private static Engine replay(final EngineConfig config, final List<Input> inputs, final int from, final int to,
        final List<Out> collected)
    {
        final Engine engine = new Engine(config);
        continueWith(engine, inputs, from, to, collected);
        return engine;
    }

    private static void continueWith(
        final Engine engine, final List<Input> inputs, final int from, final int to, final List<Out> collected)
    {
        final RecordingOutput output = new RecordingOutput();
        for (int i = from; i < to; i++)
        {
            final Input input = inputs.get(i);
            engine.apply(input.sequence(), input.timeMs(), new UnsafeBuffer(input.bytes()), 0, input.bytes().length, output);
            collected.addAll(output.take());
        }
    }

    static byte[] snapshot(final Engine engine) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.writeSnapshot(out);
        return out.toByteArray();
    }
}
