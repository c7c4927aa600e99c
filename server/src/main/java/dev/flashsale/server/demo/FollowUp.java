package dev.flashsale.server.demo;

/**
 * What a shopper does after a successful hold: pay (confirm) or change their mind (cancel), after
 * a delay. Shoppers with no follow-up abandon the hold and let it expire.
 */
record FollowUp(long dueAtNanos, long checkoutId, long customerId, boolean confirm)
{
}
