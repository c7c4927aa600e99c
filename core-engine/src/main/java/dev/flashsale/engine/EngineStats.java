package dev.flashsale.engine;

/**
 * What the engine holds, against its configured capacities.
 *
 * @param skus              SKUs defined.
 * @param liveHolds         checkouts in state HELD.
 * @param retainedCheckouts confirmed, released and expired checkouts still readable.
 * @param usedCheckoutSlots live holds + retained checkouts.
 * @param customerEntries   (customer, SKU) pairs with units held or confirmed.
 * @param idempotencyKeys   stored idempotency keys.
 */
public record EngineStats(
    int skus,
    int liveHolds,
    int retainedCheckouts,
    int usedCheckoutSlots,
    int customerEntries,
    int idempotencyKeys)
{
}
