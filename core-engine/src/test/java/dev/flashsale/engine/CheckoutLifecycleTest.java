package dev.flashsale.engine;

import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.Twins;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import static dev.flashsale.engine.testing.EngineDriver.checkoutId;
import static dev.flashsale.engine.testing.EngineDriver.code;
import static dev.flashsale.engine.testing.EngineDriver.events;
import static dev.flashsale.engine.testing.EngineDriver.result;
import static org.assertj.core.api.Assertions.assertThat;

class CheckoutLifecycleTest
{
    private static final long TTL_MS = 10_000;
    private static final List<Out.Line> LINES = List.of(new Out.Line("A", 2, 1999, "EUR"));

    private final EngineConfig config = EngineDriver.testConfig().checkoutRetentionMs(60_000);
    private final EngineDriver driver = new EngineDriver(config);
    private long checkout;

    @BeforeEach
    void holdTwoUnits()
    {
        driver.upsertSku("A", 10, 5);
        checkout = checkoutId(driver.reserve(1, TTL_MS, "", "A", 2));
    }

    @Test
    void confirmTurnsHeldUnitsIntoSold()
    {
        final List<Out> out = driver.confirm(1, checkout, "psp-123");

        final long seq = driver.sequence();
        final long now = driver.timeMs();
        assertThat(events(out)).containsExactly(
            new Out.CheckoutConfirmed(seq, now, checkout, 1, "psp-123", LINES),
            new Out.StockChanged(seq, now, "A", 10, 8, 0, 2));
        final Out.CheckoutResult r = result(out);
        assertThat(r.command()).isEqualTo(CommandKind.CONFIRM);
        assertThat(r.code()).isEqualTo(ResultCode.OK);
        assertThat(r.replayed()).isFalse();
        assertThat(r.state()).isEqualTo(CheckoutState.CONFIRMED);
    }

    @Test
    void confirmTwiceWithTheSamePaymentIsTheSameSuccessAndWithAnotherAConflict()
    {
        driver.confirm(1, checkout, "psp-123");

        final List<Out> again = driver.confirm(1, checkout, "psp-123");
        assertThat(events(again)).isEmpty();
        assertThat(((Out.CheckoutResult)result(again)).replayed()).isTrue();
        assertThat(code(again)).isEqualTo(ResultCode.OK);

        final List<Out> other = driver.confirm(1, checkout, "psp-999");
        assertThat(events(other)).isEmpty();
        assertThat(code(other)).isEqualTo(ResultCode.PAYMENT_CONFLICT);
        assertThat(driver.engine().sku("A").sold()).isEqualTo(2);
    }

    @Test
    void confirmAfterExpiryIsRefusedEvenBeforeAnyTick()
    {
        driver.advance(TTL_MS);

        final List<Out> out = driver.confirm(1, checkout, "psp-123");

        assertThat(events(out)).first().isInstanceOf(Out.CheckoutExpired.class);
        assertThat(code(out)).isEqualTo(ResultCode.HOLD_EXPIRED);
        assertThat(((Out.CheckoutResult)result(out)).state()).isEqualTo(CheckoutState.EXPIRED);
        assertThat(driver.engine().sku("A").available()).isEqualTo(10);
        assertThat(code(driver.confirm(1, checkout, "psp-123"))).isEqualTo(ResultCode.HOLD_EXPIRED);
    }

    @Test
    void confirmJustBeforeExpiryWins()
    {
        driver.advance(TTL_MS - 1);
        assertThat(code(driver.confirm(1, checkout, "psp-123"))).isEqualTo(ResultCode.OK);
        driver.advance(TTL_MS);
        assertThat(events(driver.tick())).isEmpty();
    }

    @Test
    void cancelReleasesUnitsAndRepeatsAreAnswered()
    {
        final List<Out> out = driver.cancel(1, checkout);

        final long seq = driver.sequence();
        final long now = driver.timeMs();
        assertThat(events(out)).containsExactly(
            new Out.CheckoutReleased(seq, now, checkout, 1, LINES),
            new Out.StockChanged(seq, now, "A", 10, 10, 0, 0));
        assertThat(((Out.CheckoutResult)result(out)).state()).isEqualTo(CheckoutState.RELEASED);

        final List<Out> again = driver.cancel(1, checkout);
        assertThat(events(again)).isEmpty();
        assertThat(code(again)).isEqualTo(ResultCode.OK);
        assertThat(((Out.CheckoutResult)result(again)).replayed()).isTrue();
    }

    @Test
    void wrongTransitionsAreRefused()
    {
        final long confirmed = checkout;
        driver.confirm(1, confirmed, "psp-1");
        assertThat(code(driver.cancel(1, confirmed))).isEqualTo(ResultCode.WRONG_STATE);

        final long released = checkoutId(driver.reserve(1, TTL_MS, "", "A", 1));
        driver.cancel(1, released);
        assertThat(code(driver.confirm(1, released, "psp-2"))).isEqualTo(ResultCode.WRONG_STATE);

        final long expired = checkoutId(driver.reserve(1, TTL_MS, "", "A", 1));
        driver.advance(TTL_MS);
        assertThat(code(driver.cancel(1, expired))).isEqualTo(ResultCode.HOLD_EXPIRED);
        assertThat(code(driver.cancel(1, expired))).isEqualTo(ResultCode.HOLD_EXPIRED);
    }

    @Test
    void anotherCustomersCheckoutDoesNotExist()
    {
        assertThat(code(driver.getCheckout(2, checkout))).isEqualTo(ResultCode.CHECKOUT_NOT_FOUND);
        assertThat(code(driver.confirm(2, checkout, "psp"))).isEqualTo(ResultCode.CHECKOUT_NOT_FOUND);
        assertThat(code(driver.cancel(2, checkout))).isEqualTo(ResultCode.CHECKOUT_NOT_FOUND);
        assertThat(code(driver.getCheckout(1, checkout + 1))).isEqualTo(ResultCode.CHECKOUT_NOT_FOUND);
        assertThat(code(driver.getCheckout(1, Long.MAX_VALUE))).isEqualTo(ResultCode.CHECKOUT_NOT_FOUND);
        final Out.CheckoutResult refused = result(driver.getCheckout(2, checkout));
        assertThat(refused.checkoutId()).isEqualTo(checkout);
        assertThat(refused.state()).isEqualTo(CheckoutState.NONE);
        assertThat(refused.lines()).isEmpty();
    }

    @Test
    void invalidCheckoutCommandsChangeNothing()
    {
        final Consumer<EngineDriver> history = d ->
        {
            d.upsertSku("A", 10, 5);
            d.reserve(1, TTL_MS, "", "A", 2);
        };
        final List<Function<EngineDriver, List<Out>>> invalid = List.of(
            d -> d.confirm(1, checkout, ""),
            d -> d.confirm(1, checkout, "has space"),
            d -> d.confirm(0, checkout, "psp"),
            d -> d.confirm(1, 0, "psp"),
            d -> d.cancel(-1, checkout),
            d -> d.cancel(1, -7),
            d -> d.getCheckout(0, checkout),
            d -> d.getCheckout(1, 0));
        for (final Function<EngineDriver, List<Out>> input : invalid)
        {
            assertThat(code(Twins.assertChangesNothing(config, history, input))).isEqualTo(ResultCode.INVALID_REQUEST);
        }
    }

    @Test
    void getCheckoutShowsTheCurrentStateUntilRetentionEnds()
    {
        final Out.CheckoutResult held = result(driver.getCheckout(1, checkout));
        assertThat(held.state()).isEqualTo(CheckoutState.HELD);
        assertThat(held.lines()).isEqualTo(LINES);

        driver.confirm(1, checkout, "psp");
        driver.advance(59_999);
        assertThat(((Out.CheckoutResult)result(driver.getCheckout(1, checkout))).state()).isEqualTo(CheckoutState.CONFIRMED);
        driver.advance(1);
        assertThat(code(driver.getCheckout(1, checkout))).isEqualTo(ResultCode.CHECKOUT_NOT_FOUND);
        assertThat(driver.engine().sku("A").sold()).as("eviction keeps the sale").isEqualTo(2);
    }

    @Test
    void getCheckoutOfADueHoldExpiresIt()
    {
        driver.advance(TTL_MS);
        final List<Out> out = driver.getCheckout(1, checkout);
        assertThat(events(out)).first().isInstanceOf(Out.CheckoutExpired.class);
        assertThat(((Out.CheckoutResult)result(out)).state()).isEqualTo(CheckoutState.EXPIRED);
        assertThat(code(out)).isEqualTo(ResultCode.OK);
    }
}
