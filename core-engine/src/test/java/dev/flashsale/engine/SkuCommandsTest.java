package dev.flashsale.engine;

import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import dev.flashsale.engine.testing.Twins;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static dev.flashsale.engine.testing.EngineDriver.checkoutId;
import static dev.flashsale.engine.testing.EngineDriver.code;
import static dev.flashsale.engine.testing.EngineDriver.events;
import static dev.flashsale.engine.testing.EngineDriver.result;
import static org.assertj.core.api.Assertions.assertThat;

class SkuCommandsTest
{
    private final EngineConfig config = EngineDriver.testConfig().maxSkus(3);
    private final EngineDriver driver = new EngineDriver(config);

    @Test
    void upsertCreatesSkuAndPublishesItsDefinitionAndStock()
    {
        final List<Out> out = driver.upsertSku("PS5-DISC", 100, 2, 49_999, "EUR", 10, 20_000_000_000_000L);

        final long seq = driver.sequence();
        final long now = driver.timeMs();
        assertThat(events(out)).containsExactly(
            new Out.SkuUpserted(seq, now, "PS5-DISC", 100, 2, 49_999, "EUR", 10, 20_000_000_000_000L),
            new Out.StockChanged(seq, now, "PS5-DISC", 100, 100, 0, 0));
        assertThat(out).last().isEqualTo(new Out.SkuResult(seq, now, CommandKind.UPSERT_SKU, ResultCode.OK,
            "PS5-DISC", 100, 100, 0, 0, 2, 49_999, "EUR", 10, 20_000_000_000_000L, false));
    }

    @Test
    void upsertRefusesInvalidDefinitionsAndChangesNothing()
    {
        final List<Function<EngineDriver, List<Out>>> invalid = List.of(
            d -> d.upsertSku("bad sku", 5, 1),
            d -> d.upsertSku("", 5, 1),
            d -> d.upsertSku("B", -1, 1),
            d -> d.upsertSku("B", 1_000_000_001, 1),
            d -> d.upsertSku("B", 5, 0),
            d -> d.upsertSku("B", 5, 1, -1, "EUR", 0, 10),
            d -> d.upsertSku("B", 5, 1, 1, "eur", 0, 10),
            d -> d.upsertSku("B", 5, 1, 1, "EU", 0, 10),
            d -> d.upsertSku("B", 5, 1, 1, "EUR", 10, 10),
            d -> d.upsertSku("B", 5, 1, 1, "EUR", -1, 10),
            d -> d.upsertSku("A", 5, 1, 1, "EUR", 20, 10));
        for (final Function<EngineDriver, List<Out>> input : invalid)
        {
            final List<Out> out = Twins.assertChangesNothing(config, d -> d.upsertSku("A", 5, 1), input);
            assertThat(code(out)).isEqualTo(ResultCode.INVALID_REQUEST);
        }
    }

    @Test
    void upsertOfExistingSkuReplacesDefinitionButNotBelowCommittedStock()
    {
        driver.upsertSku("A", 10, 5);
        driver.reserve(1, 0, "", "A", 3);

        final List<Out> lower = driver.upsertSku("A", 2, 5);
        assertThat(events(lower)).isEmpty();
        assertThat(((Out.SkuResult)result(lower)).code()).isEqualTo(ResultCode.STOCK_BELOW_COMMITTED);
        assertThat(driver.engine().sku("A").totalStock()).isEqualTo(10);

        final List<Out> changed = driver.upsertSku("A", 4, 1, 500, "USD", 0, 99);
        assertThat(events(changed)).containsExactly(
            new Out.SkuUpserted(driver.sequence(), driver.timeMs(), "A", 4, 1, 500, "USD", 0, 99),
            new Out.StockChanged(driver.sequence(), driver.timeMs(), "A", 4, 1, 3, 0));

        final List<Out> sameStock = driver.upsertSku("A", 4, 2, 500, "USD", 0, 99);
        assertThat(events(sameStock)).hasSize(1).first().isInstanceOf(Out.SkuUpserted.class);
    }

    @Test
    void skuCapacityIsAResultNotAFailure()
    {
        driver.upsertSku("A", 1, 1);
        driver.upsertSku("B", 1, 1);
        driver.upsertSku("C", 1, 1);

        final List<Out> out = driver.upsertSku("D", 1, 1);

        assertThat(events(out)).isEmpty();
        assertThat(((Out.SkuResult)result(out)).code()).isEqualTo(ResultCode.CAPACITY_EXHAUSTED);
        assertThat(driver.upsertSku("C", 2, 1)).last().extracting("code").isEqualTo(ResultCode.OK);
    }

    @Test
    void restockAddsToTotalAndAvailable()
    {
        driver.upsertSku("A", 1, 5);
        driver.reserve(1, 0, "", "A", 1);

        final List<Out> out = driver.restock("A", 4);

        assertThat(events(out)).containsExactly(new Out.StockChanged(driver.sequence(), driver.timeMs(), "A", 5, 4, 1, 0));
        assertThat(((Out.SkuResult)result(out)).code()).isEqualTo(ResultCode.OK);
    }

    @Test
    void restockRefusesBadQuantitiesUnknownSkusAndOverflow()
    {
        driver.upsertSku("A", 999_999_999, 5);

        assertThat(code(driver.restock("A", 0))).isEqualTo(ResultCode.INVALID_REQUEST);
        assertThat(code(driver.restock("A", -3))).isEqualTo(ResultCode.INVALID_REQUEST);
        assertThat(code(driver.restock("NOPE", 1))).isEqualTo(ResultCode.SKU_NOT_FOUND);
        assertThat(code(driver.restock("NOPE", 0))).isEqualTo(ResultCode.INVALID_REQUEST);
        assertThat(code(driver.restock("A", 2))).isEqualTo(ResultCode.INVALID_REQUEST);
        assertThat(code(driver.restock("A", 1))).isEqualTo(ResultCode.OK);
        assertThat(driver.engine().sku("A").totalStock()).isEqualTo(1_000_000_000);
    }

    @Test
    void adjustStockSetsTotalButNeverBelowHeldPlusSold()
    {
        driver.upsertSku("A", 10, 10);
        final long checkout = checkoutId(driver.reserve(1, 0, "", "A", 3));
        driver.confirm(1, checkout, "pay-1");
        driver.reserve(2, 0, "", "A", 2);

        assertThat(code(driver.adjustStock("A", 4))).isEqualTo(ResultCode.STOCK_BELOW_COMMITTED);
        final List<Out> out = driver.adjustStock("A", 5);
        assertThat(events(out)).containsExactly(
            new Out.StockChanged(driver.sequence(), driver.timeMs(), "A", 5, 0, 2, 3),
            new Out.SoldOut(driver.sequence(), driver.timeMs(), "A"));
        assertThat(events(driver.adjustStock("A", 5))).isEmpty();
        assertThat(code(driver.adjustStock("A", -1))).isEqualTo(ResultCode.INVALID_REQUEST);
        assertThat(code(driver.adjustStock("Z", 1))).isEqualTo(ResultCode.SKU_NOT_FOUND);
    }

    @Test
    void pauseStopsReservesButNotConfirmsAndResumeRestarts()
    {
        driver.upsertSku("A", 10, 10);
        final long checkout = checkoutId(driver.reserve(1, 0, "", "A", 1));

        assertThat(events(driver.pause("A"))).containsExactly(new Out.SalePaused(driver.sequence(), driver.timeMs(), "A"));
        assertThat(events(driver.pause("A"))).isEmpty();
        assertThat(code(driver.reserve(2, 0, "", "A", 1))).isEqualTo(ResultCode.SALE_PAUSED);
        assertThat(code(driver.confirm(1, checkout, "pay"))).isEqualTo(ResultCode.OK);
        assertThat(driver.availability("A")).last().extracting("paused").isEqualTo(true);

        assertThat(events(driver.resume("A"))).containsExactly(new Out.SaleResumed(driver.sequence(), driver.timeMs(), "A"));
        assertThat(events(driver.resume("A"))).isEmpty();
        assertThat(code(driver.reserve(2, 0, "", "A", 1))).isEqualTo(ResultCode.OK);
        assertThat(code(driver.pause("Z"))).isEqualTo(ResultCode.SKU_NOT_FOUND);
        assertThat(code(driver.resume("bad code"))).isEqualTo(ResultCode.INVALID_REQUEST);
    }

    @Test
    void availabilityReportsCountersOrNotFound()
    {
        driver.upsertSku("A", 10, 10);
        driver.reserve(1, 0, "", "A", 4);

        final Out.SkuResult found = result(driver.availability("A"));
        assertThat(found.code()).isEqualTo(ResultCode.OK);
        assertThat(found.available()).isEqualTo(6);
        assertThat(found.held()).isEqualTo(4);

        final Out.SkuResult missing = result(driver.availability("MISSING"));
        assertThat(missing.code()).isEqualTo(ResultCode.SKU_NOT_FOUND);
        assertThat(missing.sku()).isEqualTo("MISSING");
        assertThat(missing.totalStock()).isZero();
        assertThat(code(driver.availability("no way"))).isEqualTo(ResultCode.INVALID_REQUEST);
    }
}
