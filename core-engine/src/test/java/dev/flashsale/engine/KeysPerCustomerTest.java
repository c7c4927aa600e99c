package dev.flashsale.engine;

import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import static dev.flashsale.engine.testing.EngineDriver.checkoutId;
import static dev.flashsale.engine.testing.EngineDriver.code;
import static dev.flashsale.engine.testing.EngineDriver.result;
import static org.assertj.core.api.Assertions.assertThat;

/** One customer's idempotency keys must not take the table every shopper shares. */
class KeysPerCustomerTest
{
    private static final long ABUSER = 1;
    private static final long SHOPPER = 2;
    private static final long RETENTION_MS = 3_600_000;

    private final EngineConfig config = EngineDriver.testConfig().idempotencyCapacity(100)
        .idempotencyRetentionMs(RETENTION_MS);
    private final EngineDriver driver = new EngineDriver(config);

    @Test
    void oneCustomerReservingAndCancellingWithFreshKeysLeavesRoomForEveryoneElse()
    {
        driver.upsertSku("A", 10, 5);
        final int bound = config.maxKeysPerCustomer();
        assertThat(bound).as("the default bound lets one customer fill less than this table").isLessThan(100);

        final int taken = reserveAndCancelUntilRefused(ABUSER, "abuse-", 100);

        assertThat(taken).isEqualTo(bound);
        assertThat(code(driver.reserve(ABUSER, 0, "abuse-more", "A", 1))).isEqualTo(ResultCode.TOO_MANY_KEYS);
        assertThat(code(driver.reserve(SHOPPER, 0, "shopper-1", "A", 1))).isEqualTo(ResultCode.OK);
        assertThat(driver.engine().stats().idempotencyKeys()).isEqualTo(bound + 1);
    }

    @Test
    void aCustomerAtTheBoundKeepsEveryKeySoRetriesStillReplay()
    {
        driver.upsertSku("A", 10, 5);
        final long first = checkoutId(driver.reserve(ABUSER, 0, "abuse-0", "A", 1));
        driver.cancel(ABUSER, first);
        reserveAndCancelUntilRefused(ABUSER, "abuse-next-", 100);

        final Out.CheckoutResult retry = result(driver.reserve(ABUSER, 0, "abuse-0", "A", 1));
        assertThat(retry.code()).isEqualTo(ResultCode.OK);
        assertThat(retry.replayed()).isTrue();
        assertThat(retry.checkoutId()).isEqualTo(first);
        assertThat(code(driver.reserve(ABUSER, 0, "", "A", 1))).as("a reserve without a key stores nothing")
            .isEqualTo(ResultCode.OK);
    }

    @Test
    void keysReachingTheirRetentionMakeRoomAgain()
    {
        driver.upsertSku("A", 10, 5);
        reserveAndCancelUntilRefused(ABUSER, "abuse-", 100);

        driver.advance(RETENTION_MS).tick();

        assertThat(code(driver.reserve(ABUSER, 0, "abuse-later", "A", 1))).isEqualTo(ResultCode.OK);
    }

    @Test
    void theBoundIsCheckedPerCustomerAcrossClientsAndSurvivesASnapshot() throws Exception
    {
        final EngineConfig small = config.copy().maxKeysPerCustomer(3);
        final EngineDriver engine = new EngineDriver(small);
        engine.upsertSku("A", 10, 5);
        engine.reserve(ABUSER, 0, "k1", "A", 1);
        engine.reserve(EngineDriver.CLIENT + 1, ABUSER, 0, "k2", new String[] {"A"}, new int[] {1});
        final ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        engine.engine().writeSnapshot(snapshot);
        final Engine restored = Engine.readSnapshot(small, new ByteArrayInputStream(snapshot.toByteArray()));
        assertThat(restored.stateHash()).isEqualTo(engine.engine().stateHash());
        engine.engine(restored);

        assertThat(code(engine.reserve(ABUSER, 0, "k3", "A", 1))).isEqualTo(ResultCode.OK);
        final List<Out> refused = engine.reserve(EngineDriver.CLIENT + 1, ABUSER, 0, "k4", new String[] {"A"},
            new int[] {1});
        assertThat(code(refused)).isEqualTo(ResultCode.TOO_MANY_KEYS);
        assertThat(refused).as("a refusal changes nothing").hasSize(1);
    }

    @Test
    void zeroMeansNoBound()
    {
        final EngineDriver unbounded = new EngineDriver(config.copy().maxKeysPerCustomer(0).idempotencyCapacity(5));
        unbounded.upsertSku("A", 10, 5);
        for (int i = 0; i < 5; i++)
        {
            unbounded.cancel(ABUSER, checkoutId(unbounded.reserve(ABUSER, 0, "k" + i, "A", 1)));
        }
        assertThat(code(unbounded.reserve(SHOPPER, 0, "mine", "A", 1))).isEqualTo(ResultCode.CAPACITY_EXHAUSTED);
    }

    /** @return reserves that succeeded, each cancelled at once, before the first refusal. */
    private int reserveAndCancelUntilRefused(final long customerId, final String keyPrefix, final int attempts)
    {
        for (int i = 0; i < attempts; i++)
        {
            final List<Out> answer = driver.reserve(customerId, 0, keyPrefix + i, "A", 1);
            if (code(answer) != ResultCode.OK)
            {
                assertThat(code(answer)).isEqualTo(ResultCode.TOO_MANY_KEYS);
                return i;
            }
            driver.cancel(customerId, checkoutId(answer));
        }
        return attempts;
    }
}
