package dev.flashsale.engine.testing;

import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.CommandKind;
import dev.flashsale.engine.codec.ResultCode;

import java.util.List;

/**
 * The engine's output messages as plain values, so tests compare whole outputs with
 * {@code equals} and print them readably on failure.
 */
public sealed interface Out
{
    long inputSequence();

    /** @return true for the one result of an input. */
    default boolean isResult()
    {
        return false;
    }

    /** A line of a checkout. */
    record Line(String sku, int quantity, long unitPriceMinor, String currency)
    {
    }

    /** Result of reserve, confirm, cancel, get-checkout. */
    record CheckoutResult(
        long inputSequence,
        long engineTimeMs,
        CommandKind command,
        ResultCode code,
        boolean replayed,
        CheckoutState state,
        long checkoutId,
        long customerId,
        long createdAtMs,
        long expiresAtMs,
        List<Line> lines) implements Out
    {
        @Override
        public boolean isResult()
        {
            return true;
        }
    }

    /** Result of the SKU commands. */
    record SkuResult(
        long inputSequence,
        long engineTimeMs,
        CommandKind command,
        ResultCode code,
        String sku,
        int totalStock,
        int available,
        int held,
        int sold,
        int perCustomerLimit,
        long priceMinor,
        String currency,
        long startsAtMs,
        long endsAtMs,
        boolean paused) implements Out
    {
        @Override
        public boolean isResult()
        {
            return true;
        }
    }

    /** Result of tick and of undecodable input. */
    record Ack(long inputSequence, long engineTimeMs, CommandKind command, ResultCode code) implements Out
    {
        @Override
        public boolean isResult()
        {
            return true;
        }
    }

    record SkuUpserted(
        long inputSequence,
        long engineTimeMs,
        String sku,
        int totalStock,
        int perCustomerLimit,
        long priceMinor,
        String currency,
        long startsAtMs,
        long endsAtMs) implements Out
    {
    }

    record StockChanged(long inputSequence, long engineTimeMs, String sku, int totalStock, int available, int held, int sold)
        implements Out
    {
    }

    record SalePaused(long inputSequence, long engineTimeMs, String sku) implements Out
    {
    }

    record SaleResumed(long inputSequence, long engineTimeMs, String sku) implements Out
    {
    }

    record SoldOut(long inputSequence, long engineTimeMs, String sku) implements Out
    {
    }

    record CheckoutHeld(
        long inputSequence, long engineTimeMs, long checkoutId, long customerId, long expiresAtMs, List<Line> lines)
        implements Out
    {
    }

    record CheckoutConfirmed(
        long inputSequence, long engineTimeMs, long checkoutId, long customerId, String paymentRef, List<Line> lines)
        implements Out
    {
    }

    record CheckoutReleased(long inputSequence, long engineTimeMs, long checkoutId, long customerId, List<Line> lines)
        implements Out
    {
    }

    record CheckoutExpired(
        long inputSequence, long engineTimeMs, long checkoutId, long customerId, long expiresAtMs, List<Line> lines)
        implements Out
    {
    }
}
