package dev.flashsale.read.orders;

import java.util.List;

/**
 * A checkout as the customer's order history shows it.
 *
 * @param state       HELD, CONFIRMED, RELEASED or EXPIRED.
 * @param updatedAtMs engine time of the last change.
 */
public record Order(long checkoutId, String state, long createdAtMs, long updatedAtMs, long expiresAtMs, List<Line> lines)
{
    /** One line of an order, at the price locked when the hold was made. */
    public record Line(String sku, int quantity, long unitPriceMinor, String currency)
    {
    }
}
