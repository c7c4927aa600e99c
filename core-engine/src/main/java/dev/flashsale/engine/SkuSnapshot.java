package dev.flashsale.engine;

/**
 * A copy of one SKU's definition and counters, for tools and tests.
 *
 * @param code             the SKU code.
 * @param totalStock       units in total: available + held + sold.
 * @param available        units that can be reserved.
 * @param held             units in live holds.
 * @param sold             units of confirmed checkouts.
 * @param perCustomerLimit units one customer may hold + buy.
 * @param priceMinor       unit price in minor units.
 * @param currency         ISO 4217 code.
 * @param startsAtMs       sale window start, inclusive.
 * @param endsAtMs         sale window end, exclusive.
 * @param paused           true while the operator paused the sale.
 */
public record SkuSnapshot(
    String code,
    int totalStock,
    int available,
    int held,
    int sold,
    int perCustomerLimit,
    long priceMinor,
    String currency,
    long startsAtMs,
    long endsAtMs,
    boolean paused)
{
    /** @return true if available + held + sold equals total stock and none is negative. */
    public boolean conserved()
    {
        return available >= 0 && held >= 0 && sold >= 0 && (long)available + held + sold == totalStock;
    }
}
