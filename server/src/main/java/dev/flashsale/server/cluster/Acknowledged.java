package dev.flashsale.server.cluster;

/**
 * An answer a shopper got that promises a change: a reserve answered 201, a confirm or a cancel
 * answered 200. Each must be on every member at the end, whatever was killed meanwhile.
 *
 * @param kind       what was acknowledged.
 * @param checkoutId the checkout the answer names.
 * @param sku        the SKU of the checkout's one line.
 * @param member     the member whose gateway answered.
 * @param sentNs     {@link System#nanoTime()} when the request that got the answer was sent (its last try).
 * @param receivedNs {@link System#nanoTime()} when the answer arrived.
 */
record Acknowledged(Kind kind, long checkoutId, String sku, int member, long sentNs, long receivedNs)
{
    /** The three writes a shopper is promised something about. */
    enum Kind
    {
        RESERVE, CONFIRM, CANCEL
    }
}
