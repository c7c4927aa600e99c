package dev.flashsale.engine;

import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.MessageHeaderEncoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.RecordingOutput;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

import static dev.flashsale.engine.testing.EngineDriver.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Inputs that are not well-formed commands get an Ack with INVALID_REQUEST and change nothing. */
class InputFramingTest
{
    private final EngineDriver driver = new EngineDriver(EngineDriver.testConfig());

    @Test
    void tooShortForAHeader()
    {
        assertAck(driver.raw(new UnsafeBuffer(new byte[7]), 0, 7), CommandKind.UNKNOWN);
        assertAck(driver.raw(new UnsafeBuffer(new byte[0]), 0, 0), CommandKind.UNKNOWN);
    }

    @Test
    void foreignSchemaVersionOrTemplate()
    {
        final UnsafeBuffer buffer = driver.buffer();
        int length = driver.writer().tick(buffer, 0);
        buffer.putShort(4, (short)99, ByteOrder.LITTLE_ENDIAN);
        assertAck(driver.raw(buffer, 0, length), CommandKind.UNKNOWN);

        length = driver.writer().tick(buffer, 0);
        buffer.putShort(6, (short)2, ByteOrder.LITTLE_ENDIAN);
        assertAck(driver.raw(buffer, 0, length), CommandKind.UNKNOWN);

        length = driver.writer().tick(buffer, 0);
        buffer.putShort(2, (short)20, ByteOrder.LITTLE_ENDIAN);
        assertAck(driver.raw(buffer, 0, length), CommandKind.UNKNOWN);
    }

    @Test
    void lengthsThatDoNotMatchTheMessage()
    {
        final UnsafeBuffer buffer = driver.buffer();
        final int upsert = driver.writer().upsertSku(buffer, 0, "A", 1, 1, 1, "EUR", 0, 10);
        assertAck(driver.raw(buffer, 0, upsert - 1), CommandKind.UPSERT_SKU);
        assertAck(driver.raw(buffer, 0, upsert + 1), CommandKind.UPSERT_SKU);

        final int reserve = driver.writer().reserve(buffer, 0, 1, 1, 0, "", "A", 1);
        assertAck(driver.raw(buffer, 0, reserve - 1), CommandKind.RESERVE);
        assertAck(driver.raw(buffer, 0, reserve + 36), CommandKind.RESERVE);
        buffer.putShort(MessageHeaderEncoder.ENCODED_LENGTH + 84 + 2, (short)2, ByteOrder.LITTLE_ENDIAN);
        assertAck(driver.raw(buffer, 0, reserve), CommandKind.RESERVE);
        buffer.putShort(MessageHeaderEncoder.ENCODED_LENGTH + 84 + 2, (short)60_000, ByteOrder.LITTLE_ENDIAN);
        assertAck(driver.raw(buffer, 0, reserve), CommandKind.RESERVE);

        final int tick = driver.writer().tick(buffer, 0);
        buffer.putShort(0, (short)4, ByteOrder.LITTLE_ENDIAN);
        assertAck(driver.raw(buffer, 0, tick + 4), CommandKind.TICK);
        assertThat(driver.engine().stats().skus()).isZero();
    }

    @Test
    void randomBytesNeverBreakTheEngine()
    {
        final SplittableRandom random = new SplittableRandom(20261128L);
        driver.upsertSku("A", 10, 10);
        final long expected = driver.engine().sku("A").available();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        for (int i = 0; i < 5_000; i++)
        {
            final int length = random.nextInt(200);
            for (int b = 0; b < length; b++)
            {
                buffer.putByte(b, (byte)random.nextInt(256));
            }
            if (random.nextBoolean() && length >= 8)
            {
                driver.writer().tick(buffer, 0); // a valid header over random bytes
                buffer.putShort(2, (short)(1 + random.nextInt(12)), ByteOrder.LITTLE_ENDIAN);
            }
            final long hash = driver.engine().stateHash();
            driver.engine().prefetch(buffer, 0, length);
            assertThat(driver.engine().stateHash()).as("prefetch changes nothing").isEqualTo(hash);
            driver.raw(buffer, 0, length);
        }
        assertThat(driver.engine().sku("A").available()).isEqualTo(expected);
    }

    @Test
    void aSequenceGapStopsTheEngineForGood()
    {
        final Engine engine = new Engine(EngineDriver.testConfig());
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int tick = driver.writer().tick(buffer, 0);
        final RecordingOutput output = new RecordingOutput();
        engine.apply(1, 0, buffer, 0, tick, output);
        output.take();

        assertThatThrownBy(() -> engine.apply(3, 0, buffer, 0, tick, output))
            .isInstanceOf(InvariantViolation.class).hasMessageContaining("does not follow 1");
        assertThatThrownBy(() -> engine.apply(2, 0, buffer, 0, tick, output))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("earlier failure");
    }

    private void assertAck(final List<Out> out, final CommandKind command)
    {
        assertThat(events(out)).isEmpty();
        assertThat(out).last().isEqualTo(
            new Out.Ack(driver.sequence(), driver.timeMs(), command, ResultCode.INVALID_REQUEST));
    }
}
