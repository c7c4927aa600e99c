package dev.flashsale.engine;

import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.testing.EngineDriver;
import dev.flashsale.engine.testing.Out;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.flashsale.engine.testing.EngineDriver.checkoutId;
import static dev.flashsale.engine.testing.EngineDriver.events;
import static org.assertj.core.api.Assertions.assertThat;

class ExpiryTest
{
    private final EngineDriver driver = new EngineDriver(EngineDriver.testConfig().maxExpiriesPerInput(3));

    @Test
    void tickExpiresDueHoldsInChronologicalOrderAndAnswersWithAnAck()
    {
        driver.upsertSku("A", 100, 100);
        final long late = checkoutId(driver.reserve(1, 5_000, "", "A", 1));
        final long early = checkoutId(driver.reserve(2, 2_000, "", "A", 1));
        final long tieFirst = checkoutId(driver.reserve(3, 3_000, "", "A", 1));
        final long tieSecond = checkoutId(driver.reserve(4, 3_000, "", "A", 1));
        final long notDue = checkoutId(driver.reserve(5, 50_000, "", "A", 1));

        assertThat(events(driver.advance(1_999).tick())).isEmpty();
        final List<Out> out = driver.advance(3_001).tick();

        assertThat(events(out)).filteredOn(Out.CheckoutExpired.class::isInstance)
            .extracting(o -> ((Out.CheckoutExpired)o).checkoutId())
            .containsExactly(early, tieFirst, tieSecond);
        assertThat(out).last().isEqualTo(new Out.Ack(driver.sequence(), driver.timeMs(), CommandKind.TICK, ResultCode.OK));
        assertThat(events(out)).filteredOn(Out.StockChanged.class::isInstance).hasSize(1);

        final List<Out> next = driver.tick();
        assertThat(events(next)).filteredOn(Out.CheckoutExpired.class::isInstance)
            .extracting(o -> ((Out.CheckoutExpired)o).checkoutId()).containsExactly(late);
        assertThat(driver.engine().stats().liveHolds()).isEqualTo(1);
        assertThat(notDue).isPositive();
    }

    @Test
    void expiryWorkPerInputIsBoundedAndAnyInputContinuesIt()
    {
        driver.upsertSku("A", 100, 100);
        for (int customer = 1; customer <= 8; customer++)
        {
            driver.reserve(customer, 1_000, "", "A", 1);
        }
        driver.advance(1_000);

        assertThat(expired(driver.tick())).isEqualTo(3);
        assertThat(expired(driver.availability("A"))).isEqualTo(3);
        assertThat(expired(driver.tick())).isEqualTo(2);
        assertThat(driver.engine().sku("A").available()).isEqualTo(100);
    }

    @Test
    void engineTimeNeverGoesBack()
    {
        driver.upsertSku("A", 100, 100);
        final long checkout = checkoutId(driver.reserve(1, 1_000, "", "A", 1));
        driver.advance(1_000).tick();
        final long later = driver.timeMs();

        final List<Out> out = driver.timeMs(later - 60_000).getCheckout(1, checkout);

        assertThat(driver.engine().engineTimeMs()).isEqualTo(later);
        assertThat(((Out.CheckoutResult)out.get(out.size() - 1)).engineTimeMs()).isEqualTo(later);
    }

    private static long expired(final List<Out> out)
    {
        return events(out).stream().filter(Out.CheckoutExpired.class::isInstance).count();
    }
}
