package dev.flashsale.engine;

import dev.flashsale.engine.testing.EngineDriver;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

import static dev.flashsale.engine.testing.EngineDriver.checkoutId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotTest
{
    private final EngineConfig config =
        EngineDriver.testConfig().maxSkus(4).checkoutCapacity(16).customerCapacity(16).customerOverflowCapacity(8).idempotencyCapacity(8);

    private byte[] busySnapshot() throws IOException
    {
        final EngineDriver driver = new EngineDriver(config);
        driver.upsertSku("A", 10, 5);
        driver.upsertSku("B", 3, 3);
        final long confirmed = checkoutId(driver.reserve(1, 60_000, "k1", "A", 2));
        driver.confirm(1, confirmed, "pay-1");
        driver.reserve(2, 60_000, "k2", "B", 1);
        final long cancelled = checkoutId(driver.reserve(3, 60_000, "", "A", 1));
        driver.cancel(3, cancelled);
        driver.pause("B");
        return DeterminismTest.snapshot(driver.engine());
    }

    @Test
    void aRestoredEngineCarriesOnWhereTheOriginalStopped() throws IOException
    {
        final EngineDriver original = new EngineDriver(config);
        original.upsertSku("A", 10, 5);
        final long held = checkoutId(original.reserve(1, 60_000, "k1", "A", 2));
        final byte[] bytes = DeterminismTest.snapshot(original.engine());

        final EngineDriver restored = new EngineDriver(Engine.readSnapshot(config, new ByteArrayInputStream(bytes)),
            original.timeMs());
        assertThat(restored.engine().lastSequence()).isEqualTo(original.engine().lastSequence());
        assertThat(restored.confirm(1, held, "pay")).isEqualTo(original.confirm(1, held, "pay"));
        assertThat(restored.reserve(1, 60_000, "k1", "A", 2)).as("idempotency survives")
            .isEqualTo(original.reserve(1, 60_000, "k1", "A", 2));
        assertThat(restored.reserve(2, 60_000, "", "A", 1)).isEqualTo(original.reserve(2, 60_000, "", "A", 1));
        assertThat(restored.engine().stateHash()).isEqualTo(original.engine().stateHash());
    }

    @Test
    void everyFlippedByteIsDetected() throws IOException
    {
        final byte[] good = busySnapshot();
        for (int i = 0; i < good.length; i++)
        {
            final byte[] bad = good.clone();
            bad[i] ^= 0x10;
            final int position = i;
            assertThatThrownBy(() -> Engine.readSnapshot(config, new ByteArrayInputStream(bad)))
                .as("flipped byte at " + position).isInstanceOf(SnapshotException.class);
        }
    }

    @Test
    void aTruncatedSnapshotIsDetected() throws IOException
    {
        final byte[] good = busySnapshot();
        for (final int length : new int[] {0, 7, 20, good.length / 2, good.length - 1})
        {
            assertThatThrownBy(() -> Engine.readSnapshot(config, new ByteArrayInputStream(Arrays.copyOf(good, length))))
                .isInstanceOf(SnapshotException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void aSnapshotOfManyBuffersReadInOddPiecesRestoresAndStillDetectsDamage() throws IOException
    {
        final EngineConfig large = EngineDriver.testConfig().checkoutCapacity(8_192).customerCapacity(8_192);
        final EngineDriver driver = new EngineDriver(large).verifyEveryInput(false);
        driver.upsertSku("A", 100_000, 5);
        for (int customer = 1; customer <= 6_000; customer++)
        {
            driver.reserve(customer, 600_000, "key-" + customer, "A", 1 + customer % 3);
        }
        final byte[] good = DeterminismTest.snapshot(driver.engine());
        assertThat(good.length).as("spans several of the reader's 64 KiB buffers").isGreaterThan(2 * 65_536);

        final Engine restored = Engine.readSnapshot(large, new TricklingInputStream(good));
        assertThat(restored.stateHash()).isEqualTo(driver.engine().stateHash());

        final byte[] bad = good.clone();
        bad[good.length * 3 / 4] ^= 0x01;
        assertThatThrownBy(() -> Engine.readSnapshot(large, new TricklingInputStream(bad)))
            .isInstanceOf(SnapshotException.class);
    }

    /** Hands out 1 to 13 bytes per read, as a slow stream may: values straddle every refill. */
    private static final class TricklingInputStream extends ByteArrayInputStream
    {
        private int piece;

        TricklingInputStream(final byte[] bytes)
        {
            super(bytes);
        }

        @Override
        public synchronized int read(final byte[] into, final int offset, final int length)
        {
            piece = piece % 13 + 1;
            return super.read(into, offset, Math.min(length, piece));
        }
    }

    @Test
    void anotherConfigurationIsRefusedByName() throws IOException
    {
        final byte[] good = busySnapshot();
        assertThatThrownBy(() -> Engine.readSnapshot(config.copy().maxHoldsPerCustomer(99), new ByteArrayInputStream(good)))
            .isInstanceOf(SnapshotException.class)
            .hasMessageContaining("maxHoldsPerCustomer: snapshot 16, configured 99");
    }

    @Test
    void foreignBytesAreNotASnapshot()
    {
        assertThatThrownBy(() -> Engine.readSnapshot(config, new ByteArrayInputStream("hello, world....".getBytes())))
            .isInstanceOf(SnapshotException.class).hasMessageContaining("bad magic");
    }
}
