package dev.flashsale.engine;

import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.Twins;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import static dev.flashsale.engine.testing.EngineDriver.checkoutId;
import static dev.flashsale.engine.testing.EngineDriver.code;
import static dev.flashsale.engine.testing.EngineDriver.events;
import static dev.flashsale.engine.testing.EngineDriver.result;
import static org.assertj.core.api.Assertions.assertThat;

class ReserveTest
{
    private final EngineConfig config = EngineDriver.testConfig().maxLinesPerCheckout(4).maxQuantityPerLine(50)
        .minHoldTtlMs(1_000).maxHoldTtlMs(60_000).defaultHoldTtlMs(30_000).maxHoldsPerCustomer(3);
    private final EngineDriver driver = new EngineDriver(config);

    @Test
    void reserveHoldsStockLocksThePriceAndReportsTheCheckout()
    {
        driver.upsertSku("A", 10, 5, 2_500, "EUR", 0, Long.MAX_VALUE);

        final List<Out> out = driver.reserve(42, 5_000, "k-1", "A", 2);

        final long seq = driver.sequence();
        final long now = driver.timeMs();
        final Out.CheckoutResult r = result(out);
        final List<Out.Line> lines = List.of(new Out.Line("A", 2, 2_500, "EUR"));
        assertThat(events(out)).containsExactly(
            new Out.CheckoutHeld(seq, now, r.checkoutId(), 42, now + 5_000, lines),
            new Out.StockChanged(seq, now, "A", 10, 8, 2, 0));
        assertThat(r).isEqualTo(new Out.CheckoutResult(seq, now, CommandKind.RESERVE, ResultCode.OK, false,
            CheckoutState.HELD, r.checkoutId(), 42, now, now + 5_000, lines));

        driver.upsertSku("A", 10, 5, 9_999, "EUR", 0, Long.MAX_VALUE);
        final Out.CheckoutResult later = result(driver.getCheckout(42, r.checkoutId()));
        assertThat(later.lines()).as("price locked at reserve").isEqualTo(lines);
    }

    @Test
    void defaultTtlAppliesWhenTheRequestAsksForZero()
    {
        driver.upsertSku("A", 10, 5);
        final Out.CheckoutResult r = result(driver.reserve(1, 0, "", "A", 1));
        assertThat(r.expiresAtMs()).isEqualTo(driver.timeMs() + 30_000);
    }

    @Test
    void multiLineReserveIsAllOrNothing()
    {
        driver.upsertSku("A", 10, 10);
        driver.upsertSku("B", 1, 10);

        final List<Out> refused = driver.reserve(1, 1, 0, "", new String[] {"A", "B"}, new int[] {3, 2});
        assertThat(events(refused)).isEmpty();
        assertThat(code(refused)).isEqualTo(ResultCode.INSUFFICIENT_STOCK);
        assertThat(driver.engine().sku("A").available()).isEqualTo(10);

        final List<Out> held = driver.reserve(1, 1, 0, "", new String[] {"A", "B"}, new int[] {3, 1});
        assertThat(code(held)).isEqualTo(ResultCode.OK);
        assertThat(((Out.CheckoutResult)result(held)).lines()).extracting(Out.Line::sku).containsExactly("A", "B");
        assertThat(events(held)).extracting(Object::getClass).containsExactly(
            Out.CheckoutHeld.class, Out.StockChanged.class, Out.StockChanged.class, Out.SoldOut.class);
    }

    @Test
    void soldOutIsPublishedOnceAndThenReserveIsRefused()
    {
        driver.upsertSku("A", 3, 5);
        assertThat(code(driver.reserve(1, 0, "", "A", 2))).isEqualTo(ResultCode.OK);
        assertThat(code(driver.reserve(2, 0, "", "A", 2))).isEqualTo(ResultCode.INSUFFICIENT_STOCK);

        final List<Out> last = driver.reserve(2, 0, "", "A", 1);
        assertThat(events(last)).contains(new Out.SoldOut(driver.sequence(), driver.timeMs(), "A"));
        assertThat(code(driver.reserve(3, 0, "", "A", 1))).isEqualTo(ResultCode.SOLD_OUT);
    }

    @Test
    void refusalsFollowTheDocumentedPrecedence()
    {
        driver.upsertSku("GONE", 0, 1);
        driver.upsertSku("PAUSED", 5, 1);
        driver.pause("PAUSED");
        driver.upsertSku("LIMIT", 5, 1);
        driver.upsertSku("LATER", 5, 1, 100, "EUR", driver.timeMs() + 1_000, Long.MAX_VALUE);

        assertThat(code(driver.reserve(1, 1, 0, "", new String[] {"GONE", "NOPE"}, new int[] {1, 1})))
            .isEqualTo(ResultCode.SKU_NOT_FOUND);
        assertThat(code(driver.reserve(1, 1, 0, "", new String[] {"GONE", "PAUSED"}, new int[] {1, 1})))
            .isEqualTo(ResultCode.SALE_PAUSED);
        assertThat(code(driver.reserve(1, 1, 0, "", new String[] {"GONE", "LATER"}, new int[] {1, 1})))
            .isEqualTo(ResultCode.SALE_NOT_STARTED);
        assertThat(code(driver.reserve(1, 1, 0, "", new String[] {"GONE", "LIMIT"}, new int[] {1, 2})))
            .isEqualTo(ResultCode.LIMIT_EXCEEDED);
        assertThat(code(driver.reserve(1, 1, 0, "", new String[] {"LIMIT", "GONE"}, new int[] {1, 1})))
            .isEqualTo(ResultCode.SOLD_OUT);
        assertThat(code(driver.reserve(1, 0, 0, "", new String[] {"NOPE", "GONE"}, new int[] {1, 1})))
            .isEqualTo(ResultCode.INVALID_REQUEST);
    }

    @Test
    void invalidReservesAreRefusedAndChangeNothing()
    {
        final Consumer<EngineDriver> history = d ->
        {
            d.upsertSku("A", 100, 100);
            d.upsertSku("B", 100, 100);
        };
        final List<Function<EngineDriver, List<Out>>> invalid = List.of(
            d -> d.reserve(0, 0, "", "A", 1),
            d -> d.reserve(-5, 0, "", "A", 1),
            d -> d.reserve(1, 0, 0, "", new String[] {"A"}, new int[] {1}),
            d -> d.reserve(1, 1, 0, "", new String[0], new int[0]),
            d -> d.reserve(1, 1, 0, "", new String[] {"A", "B", "C", "D", "E"}, new int[] {1, 1, 1, 1, 1}),
            d -> d.reserve(1, 0, "", "A", 0),
            d -> d.reserve(1, 0, "", "A", -1),
            d -> d.reserve(1, 0, "", "A", 51),
            d -> d.reserve(1, 1, 0, "", new String[] {"A", "A"}, new int[] {1, 1}),
            d -> d.reserve(1, 999, "", "A", 1),
            d -> d.reserve(1, 60_001, "", "A", 1),
            d -> d.reserve(1, -1, "", "A", 1),
            d -> d.reserve(1, 0, "has space", "A", 1),
            d -> d.reserve(1, 0, "", "no/slash", 1),
            d -> d.reserve(1, 0, "", "", 1));
        for (final Function<EngineDriver, List<Out>> input : invalid)
        {
            final List<Out> out = Twins.assertChangesNothing(config, history, input);
            assertThat(code(out)).isEqualTo(ResultCode.INVALID_REQUEST);
            final Out.CheckoutResult r = result(out);
            assertThat(r.checkoutId()).isZero();
            assertThat(r.state()).isEqualTo(CheckoutState.NONE);
            assertThat(r.lines()).isEmpty();
        }
    }

    @Test
    void saleWindowIsStartInclusiveEndExclusive()
    {
        final long start = driver.timeMs() + 1_000;
        driver.upsertSku("A", 10, 10, 100, "EUR", start, start + 500);

        assertThat(code(driver.reserve(1, 0, "", "A", 1))).isEqualTo(ResultCode.SALE_NOT_STARTED);
        driver.timeMs(start);
        assertThat(code(driver.reserve(1, 0, "", "A", 1))).isEqualTo(ResultCode.OK);
        driver.timeMs(start + 499);
        assertThat(code(driver.reserve(2, 0, "", "A", 1))).isEqualTo(ResultCode.OK);
        driver.timeMs(start + 500);
        assertThat(code(driver.reserve(3, 0, "", "A", 1))).isEqualTo(ResultCode.SALE_ENDED);
    }

    @Test
    void perCustomerLimitCountsHeldAndConfirmedUnits()
    {
        driver.upsertSku("A", 100, 3);

        final long first = checkoutId(driver.reserve(1, 0, "", "A", 2));
        assertThat(code(driver.reserve(1, 0, "", "A", 2))).isEqualTo(ResultCode.LIMIT_EXCEEDED);
        assertThat(code(driver.reserve(2, 0, "", "A", 3))).as("another customer").isEqualTo(ResultCode.OK);

        driver.confirm(1, first, "pay-1");
        assertThat(code(driver.reserve(1, 0, "", "A", 2))).as("confirmed units count").isEqualTo(ResultCode.LIMIT_EXCEEDED);
        final long second = checkoutId(driver.reserve(1, 0, "", "A", 1));
        assertThat(code(driver.reserve(1, 0, "", "A", 1))).isEqualTo(ResultCode.LIMIT_EXCEEDED);

        driver.cancel(1, second);
        assertThat(code(driver.reserve(1, 0, "", "A", 1))).as("released units free the limit").isEqualTo(ResultCode.OK);
    }

    @Test
    void expiredUnitsFreeTheLimitToo()
    {
        driver.upsertSku("A", 100, 1);
        driver.reserve(1, 1_000, "", "A", 1);
        assertThat(code(driver.reserve(1, 0, "", "A", 1))).isEqualTo(ResultCode.LIMIT_EXCEEDED);
        driver.advance(1_000);
        assertThat(code(driver.reserve(1, 0, "", "A", 1))).isEqualTo(ResultCode.OK);
    }

    @Test
    void liveHoldsPerCustomerAreBounded()
    {
        driver.upsertSku("A", 100, 100);
        for (int i = 0; i < 3; i++)
        {
            assertThat(code(driver.reserve(1, 0, "", "A", 1))).isEqualTo(ResultCode.OK);
        }
        final List<Out> refused = driver.reserve(1, 0, "", "A", 1);
        assertThat(code(refused)).isEqualTo(ResultCode.TOO_MANY_HOLDS);
        assertThat(code(driver.reserve(2, 0, "", "A", 1))).isEqualTo(ResultCode.OK);
    }
}
