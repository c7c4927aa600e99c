package dev.flashsale.engine;

/**
 * What the engine holds, against its configured capacities.
 *
 * @param skus              SKUs defined.
 * @param liveHolds         checkouts in state HELD.
 * @param retainedCheckouts confirmed, released and expired checkouts still readable.
 * @param usedCheckoutSlots live holds + retained checkouts.
 * @param customers         customers with units held or confirmed.
 * @param customerOverflow  (customer, SKU) pairs beyond the two each customer keeps in its record.
 * @param idempotencyKeys   stored idempotency keys.
 */
public record EngineStats(
    int skus,
    int liveHolds,
    int retainedCheckouts,
    int usedCheckoutSlots,
    int customers,
    int customerOverflow,
    int idempotencyKeys)
{
}
