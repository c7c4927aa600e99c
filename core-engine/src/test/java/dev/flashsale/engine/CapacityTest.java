package dev.flashsale.engine;

import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.testing.EngineDriver;
import org.junit.jupiter.api.Test;

import static dev.flashsale.engine.testing.EngineDriver.checkoutId;
import static dev.flashsale.engine.testing.EngineDriver.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapacityTest
{
    @Test
    void liveHoldsAreBoundedByCheckoutCapacity()
    {
        final EngineDriver driver = new EngineDriver(EngineDriver.testConfig().checkoutCapacity(2));
        driver.upsertSku("A", 10, 10);
        driver.reserve(1, 0, "", "A", 1);
        driver.reserve(2, 0, "", "A", 1);

        assertThat(code(driver.reserve(3, 0, "", "A", 1))).isEqualTo(ResultCode.CAPACITY_EXHAUSTED);
    }

    @Test
    void theOldestTerminalCheckoutGivesItsSlotToANewHold()
    {
        final EngineDriver driver = new EngineDriver(EngineDriver.testConfig().checkoutCapacity(2));
        driver.upsertSku("A", 10, 10);
        final long first = checkoutId(driver.reserve(1, 0, "", "A", 1));
        final long second = checkoutId(driver.reserve(2, 0, "", "A", 1));
        driver.confirm(1, first, "psp-1");
        driver.cancel(2, second);

        final long third = checkoutId(driver.reserve(3, 0, "", "A", 1));

        assertThat(code(driver.getCheckout(1, first))).isEqualTo(ResultCode.CHECKOUT_NOT_FOUND);
        assertThat(code(driver.getCheckout(2, second))).isEqualTo(ResultCode.OK);
        assertThat(code(driver.getCheckout(3, third))).isEqualTo(ResultCode.OK);
        assertThat(third).isNotEqualTo(first);
        assertThat(driver.engine().sku("A").sold()).isEqualTo(1);
    }

    @Test
    void customersAreBounded()
    {
        final EngineDriver driver = new EngineDriver(EngineDriver.testConfig().customerCapacity(2));
        driver.upsertSku("A", 10, 10);
        driver.upsertSku("B", 10, 10);
        driver.reserve(1, 0, "", "A", 1);
        driver.reserve(2, 0, "", "A", 1);

        assertThat(code(driver.reserve(1, 0, "", "A", 1))).as("a known customer").isEqualTo(ResultCode.OK);
        assertThat(code(driver.reserve(1, 0, "", "B", 1))).as("a second SKU stays in the record").isEqualTo(ResultCode.OK);
        assertThat(code(driver.reserve(3, 0, "", "A", 1))).isEqualTo(ResultCode.CAPACITY_EXHAUSTED);
    }

    @Test
    void skusBeyondTwoPerCustomerUseTheBoundedOverflow()
    {
        final EngineDriver driver = new EngineDriver(EngineDriver.testConfig().customerOverflowCapacity(1));
        for (final String sku : new String[] {"A", "B", "C", "D"})
        {
            driver.upsertSku(sku, 10, 10);
        }
        driver.reserve(1, 1, 0, "", new String[] {"A", "B", "C"}, new int[] {1, 1, 1});

        assertThat(code(driver.reserve(1, 0, "", "D", 1))).isEqualTo(ResultCode.CAPACITY_EXHAUSTED);
        assertThat(code(driver.reserve(2, 2, 0, "", new String[] {"A", "B", "C"}, new int[] {1, 1, 1})))
            .isEqualTo(ResultCode.CAPACITY_EXHAUSTED);
        assertThat(code(driver.reserve(2, 0, "", "D", 1))).isEqualTo(ResultCode.OK);
    }

    @Test
    void invalidConfigurationIsRefusedAtConstruction()
    {
        assertThatThrownBy(() -> new Engine(new EngineConfig().checkoutCapacity(0)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("checkoutCapacity");
        assertThatThrownBy(() -> new Engine(new EngineConfig().maxLinesPerCheckout(17)))
            .hasMessageContaining("maxLinesPerCheckout");
        assertThatThrownBy(() -> new Engine(new EngineConfig().minHoldTtlMs(10).maxHoldTtlMs(5)))
            .hasMessageContaining("maxHoldTtlMs");
        assertThatThrownBy(() -> new Engine(new EngineConfig().defaultHoldTtlMs(10)))
            .hasMessageContaining("defaultHoldTtlMs");
    }
}
