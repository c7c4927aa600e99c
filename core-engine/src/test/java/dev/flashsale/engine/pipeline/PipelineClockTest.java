package dev.flashsale.engine.pipeline;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The wall clock steps (NTP, a VM resumed, an operator's {@code date -s}); engine time must not. */
@Timeout(60)
class PipelineClockTest
{
    private static final long START_MS = EngineDriver.START_MS;
    private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);

    private final CachedEpochClock wallClock = new CachedEpochClock();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private final CommandWriter writer = new CommandWriter();

    @Test
    void aWallClockStepForwardOnOneInputNeitherExpiresHoldsNorForgetsKeys()
    {
        wallClock.update(START_MS);
        final CollectingStage results = new CollectingStage();
        final Pipeline pipeline = new Pipeline(new Engine(EngineDriver.testConfig()),
            new PipelineConfig().tickIntervalMs(0), List.of(), List.of(results), wallClock, (stage, cause) -> { });
        try
        {
            publish(pipeline, writer.upsertSku(buffer, 0, "A", 10, 5, 100, "EUR", 0, Long.MAX_VALUE));
            publish(pipeline, writer.reserve(buffer, 0, 1, 1, 0, "order-1", "A", 1));
            wallClock.update(START_MS + DAY_MS + 60_000); // past every hold and the keys' retention
            publish(pipeline, writer.getAvailability(buffer, 0, "A"));
            wallClock.update(START_MS + 1_000); // NTP steps it back
            final long retry = publish(pipeline, writer.reserve(buffer, 0, 1, 1, 0, "order-1", "A", 1));
            assertThat(pipeline.shutdown()).isTrue();

            final List<Out> messages = results.messages();
            final Out.CheckoutResult first = (Out.CheckoutResult)messages.stream()
                .filter(m -> m instanceof Out.CheckoutResult r && r.inputSequence() == 2).findFirst().orElseThrow();
            final Out.CheckoutResult again = (Out.CheckoutResult)messages.get(messages.size() - 1);
            assertThat(again.inputSequence()).isEqualTo(retry);
            assertThat(messages).noneMatch(Out.CheckoutExpired.class::isInstance);
            assertThat(again.code()).isEqualTo(ResultCode.OK);
            assertThat(again.replayed()).as("the key is still known: no second hold").isTrue();
            assertThat(again.checkoutId()).isEqualTo(first.checkoutId());
            assertThat(again.state()).isEqualTo(CheckoutState.HELD);
            assertThat(again.engineTimeMs()).isLessThan(START_MS + DAY_MS);
        }
        finally
        {
            pipeline.close();
        }
    }

    private static long publish(final Pipeline pipeline, final UnsafeBuffer command, final int length)
    {
        long sequence;
        while ((sequence = pipeline.tryPublish(command, 0, length, 1)) == Pipeline.RING_FULL)
        {
            Thread.onSpinWait();
        }
        return sequence;
    }

    private long publish(final Pipeline pipeline, final int length)
    {
        return publish(pipeline, buffer, length);
    }
}
