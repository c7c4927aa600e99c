package dev.flashsale.gateway.loadgen;

import dev.flashsale.gateway.Problem;

/**
 * What the {@link ReferenceStore} keeps and answers: SKUs and checkouts (mutable, only under the
 * store's lock), and the immutable answers rendered after the lock is released.
 */
final class ReferenceModel
{
    private ReferenceModel()
    {
    }

    /** A checkout's state; the node's names. */
    enum Status
    {
        HELD, CONFIRMED, RELEASED, EXPIRED
    }

    /** A SKU; mutable, only under the lock. {@code totalStock == available + held + sold}. */
    static final class Sku
    {
        final String code;
        long totalStock;
        long available;
        long held;
        long sold;
        long perCustomerLimit;
        long priceMinor;
        String currency;

        Sku(final String code)
        {
            this.code = code;
        }
    }

    /** The fields of a SKU at one moment, taken under the lock, to render after it. */
    record SkuView(String code, long totalStock, long available, long held, long sold, long perCustomerLimit,
        long priceMinor, String currency)
    {
    }

    /** A checkout; its lines and prices are fixed at the hold, status and payment change under the lock. */
    static final class Checkout
    {
        final long checkoutId;
        final long customerId;
        final long createdAtMs;
        final long expiresAtMs;
        final Sku[] skus;
        final int[] quantities;
        final long[] unitPriceMinor;
        final String[] currencies;
        /** As sent (0 = omitted): part of the idempotency fingerprint, like the engine's. */
        final long holdSeconds;
        final IdempotencyKey key;
        Status status = Status.HELD;
        String paymentRef;
        long finishedAtMs;

        Checkout(final long checkoutId, final long customerId, final long createdAtMs, final long expiresAtMs,
            final Sku[] skus, final int[] quantities, final long holdSeconds, final IdempotencyKey key)
        {
            this.checkoutId = checkoutId;
            this.customerId = customerId;
            this.createdAtMs = createdAtMs;
            this.expiresAtMs = expiresAtMs;
            this.skus = skus;
            this.quantities = quantities;
            this.holdSeconds = holdSeconds;
            this.key = key;
            unitPriceMinor = new long[skus.length];
            currencies = new String[skus.length];
            for (int i = 0; i < skus.length; i++)
            {
                unitPriceMinor[i] = skus[i].priceMinor;
                currencies[i] = skus[i].currency;
            }
        }
    }

    /**
     * What a checkout call answered: a problem (null when done), the checkout if there is one and
     * its status when answered, and whether it was an earlier request's answer again.
     */
    record Answer(Problem problem, Checkout checkout, Status status, boolean replayed)
    {
    }

    /** What a SKU call answered: a problem, or the SKU after the change. */
    record SkuAnswer(Problem problem, SkuView sku)
    {
    }

    /** Idempotency keys are scoped to the customer (the reference server knows no API clients). */
    record IdempotencyKey(long customerId, String key)
    {
    }
}
