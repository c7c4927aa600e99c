package dev.flashsale.engine;

import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.flashsale.engine.testing.EngineDriver.checkoutId;
import static dev.flashsale.engine.testing.EngineDriver.code;
import static dev.flashsale.engine.testing.EngineDriver.events;
import static dev.flashsale.engine.testing.EngineDriver.result;
import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyTest
{
    private static final String KEY = "order-7f3a-0001";

    private final EngineDriver driver = new EngineDriver(EngineDriver.testConfig()
        .defaultHoldTtlMs(30_000).maxHoldTtlMs(60_000) // keys outlive any hold (EngineConfig.validate)
        .idempotencyRetentionMs(60_000).checkoutRetentionMs(10_000).idempotencyCapacity(3));

    @Test
    void aRetryGetsTheOriginalResultAndNoSecondHold()
    {
        driver.upsertSku("A", 10, 5);
        final Out.CheckoutResult first = result(driver.reserve(1, 5_000, KEY, "A", 2));

        final List<Out> retry = driver.advance(100).reserve(1, 5_000, KEY, "A", 2);

        assertThat(events(retry)).isEmpty();
        final Out.CheckoutResult replayed = result(retry);
        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.code()).isEqualTo(ResultCode.OK);
        assertThat(replayed.checkoutId()).isEqualTo(first.checkoutId());
        assertThat(replayed.expiresAtMs()).isEqualTo(first.expiresAtMs());
        assertThat(replayed.lines()).isEqualTo(first.lines());
        assertThat(driver.engine().sku("A").held()).isEqualTo(2);
    }

    @Test
    void theReplayShowsTheCheckoutAsItIsNow()
    {
        driver.upsertSku("A", 10, 5);
        final long checkout = checkoutId(driver.reserve(1, 5_000, KEY, "A", 2));
        driver.confirm(1, checkout, "psp");

        assertThat(((Out.CheckoutResult)result(driver.reserve(1, 5_000, KEY, "A", 2))).state())
            .isEqualTo(CheckoutState.CONFIRMED);

        driver.advance(10_000).tick();
        final Out.CheckoutResult afterRetention = result(driver.reserve(1, 5_000, KEY, "A", 2));
        assertThat(afterRetention.replayed()).isTrue();
        assertThat(afterRetention.checkoutId()).isEqualTo(checkout);
        assertThat(afterRetention.state()).isEqualTo(CheckoutState.NONE);
        assertThat(afterRetention.lines()).isEmpty();
    }

    @Test
    void theSameKeyWithAnotherPayloadIsRefused()
    {
        driver.upsertSku("A", 10, 5);
        driver.upsertSku("B", 10, 5);
        driver.reserve(1, 5_000, KEY, "A", 2);

        assertThat(code(driver.reserve(1, 5_000, KEY, "A", 1))).isEqualTo(ResultCode.IDEMPOTENCY_MISMATCH);
        assertThat(code(driver.reserve(1, 6_000, KEY, "A", 2))).isEqualTo(ResultCode.IDEMPOTENCY_MISMATCH);
        assertThat(code(driver.reserve(1, 5_000, KEY, "B", 2))).isEqualTo(ResultCode.IDEMPOTENCY_MISMATCH);
        assertThat(driver.engine().sku("A").held()).isEqualTo(2);
    }

    @Test
    void keysAreScopedToClientAndCustomer()
    {
        driver.upsertSku("A", 10, 5);
        final long mine = checkoutId(driver.reserve(1, 5_000, KEY, "A", 1));

        final long otherCustomer = checkoutId(driver.reserve(2, 5_000, KEY, "A", 1));
        final long otherClient = checkoutId(driver.reserve(EngineDriver.CLIENT + 1, 1, 5_000, KEY,
            new String[] {"A"}, new int[] {1}));

        assertThat(List.of(mine, otherCustomer, otherClient)).doesNotHaveDuplicates();
    }

    @Test
    void aRefusedReserveIsNotStoredSoARetryCanSucceedLater()
    {
        driver.upsertSku("A", 0, 5);
        assertThat(code(driver.reserve(1, 5_000, KEY, "A", 1))).isEqualTo(ResultCode.SOLD_OUT);
        driver.restock("A", 1);
        final List<Out> retry = driver.reserve(1, 5_000, KEY, "A", 1);
        assertThat(code(retry)).isEqualTo(ResultCode.OK);
        assertThat(((Out.CheckoutResult)result(retry)).replayed()).isFalse();
    }

    @Test
    void keysExpireAfterRetention()
    {
        driver.upsertSku("A", 10, 5);
        final long first = checkoutId(driver.reserve(1, 5_000, KEY, "A", 1));
        driver.advance(60_000).tick();

        final List<Out> again = driver.reserve(1, 5_000, KEY, "A", 1);
        assertThat(((Out.CheckoutResult)result(again)).replayed()).isFalse();
        assertThat(checkoutId(again)).isNotEqualTo(first);
    }

    @Test
    void aFullTableRefusesNewKeysUntilRetentionFreesThem()
    {
        driver.upsertSku("A", 10, 5);
        for (int customer = 1; customer <= 3; customer++)
        {
            assertThat(code(driver.reserve(customer, 5_000, KEY, "A", 1))).isEqualTo(ResultCode.OK);
        }
        assertThat(code(driver.reserve(4, 5_000, KEY, "A", 1))).isEqualTo(ResultCode.CAPACITY_EXHAUSTED);
        assertThat(code(driver.reserve(4, 5_000, "", "A", 1))).as("no key, no entry").isEqualTo(ResultCode.OK);
        assertThat(((Out.CheckoutResult)result(driver.reserve(1, 5_000, KEY, "A", 1))).replayed()).isTrue();

        driver.advance(60_000);
        assertThat(code(driver.reserve(4, 5_000, KEY, "A", 1))).isEqualTo(ResultCode.OK);
    }
}
