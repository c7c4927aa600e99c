package dev.flashsale.gateway.loadgen;

import dev.flashsale.gateway.Problem;
import dev.flashsale.gateway.loadgen.ReferenceModel.Answer;
import dev.flashsale.gateway.loadgen.ReferenceModel.Checkout;
import dev.flashsale.gateway.loadgen.ReferenceModel.IdempotencyKey;
import dev.flashsale.gateway.loadgen.ReferenceModel.Sku;
import dev.flashsale.gateway.loadgen.ReferenceModel.SkuAnswer;
import dev.flashsale.gateway.loadgen.ReferenceModel.SkuView;
import dev.flashsale.gateway.loadgen.ReferenceModel.Status;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The whole state of the {@link ReferenceServer}: SKUs, checkouts, per-customer usage and
 * idempotency keys in plain {@link HashMap}s behind one {@link ReentrantLock}, which every event
 * loop takes for every request. One lock on purpose: this is the baseline the node is compared
 * with, the simplest store that is still correct (all-or-nothing reserves, no oversell, stock
 * conserved), not a rival design.
 *
 * <p>Holds expire lazily: each call first expires up to {@value #SWEEP_LIMIT} due holds (a
 * priority queue by {@code expiresAtMs}) and forgets up to as many finished checkouts kept past
 * the retention, and a confirm or cancel of a hold past its expiry sees it EXPIRED. A checkout
 * and its idempotency key are forgotten together, {@code retentionMs} after the checkout
 * finished; confirmed units keep counting against the customer's limit for the life of the
 * process. Codes and precedence follow the engine (docs/PROTOCOL.md) for what it checks; it has
 * no sale windows, pause, restock or per-customer hold count.
 */
final class ReferenceStore
{
    /** Holds expired and finished checkouts forgotten per call, at most: the cost of a call stays bounded. */
    static final int SWEEP_LIMIT = 64;
    /** SKUs, at most (like {@code engine.max-skus}). */
    static final int MAX_SKUS = 1_000_000;

    /** Units a customer holds plus bought of one SKU; the SKU compares by identity. */
    private record CustomerSku(long customerId, Sku sku)
    {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final LongSupplier epochClockMs;
    private final long retentionMs;
    private final int capacity;
    private final Map<String, Sku> skus = new HashMap<>();
    private final Map<Long, Checkout> checkouts = new HashMap<>();
    private final Map<IdempotencyKey, Checkout> byKey = new HashMap<>();
    private final Map<CustomerSku, long[]> usage = new HashMap<>();
    private final PriorityQueue<Checkout> holdsByExpiry = new PriorityQueue<>(
        Comparator.comparingLong((Checkout c) -> c.expiresAtMs).thenComparingLong(c -> c.checkoutId));
    private final ArrayDeque<Checkout> finished = new ArrayDeque<>();
    private long lastCheckoutId;
    private long lastNowMs;

    /**
     * @param epochClockMs the time of holds and retention; read once per call, never allowed to go back.
     * @param retentionMs  how long a finished checkout (and its idempotency key) stays readable, at least 0.
     * @param capacity     checkouts kept, and customer-SKU pairs counted, each at most this many; more
     *                     answers 503 CAPACITY_EXHAUSTED, as the node does at its bounds.
     */
    ReferenceStore(final LongSupplier epochClockMs, final long retentionMs, final int capacity)
    {
        if (retentionMs < 0 || capacity < 1)
        {
            throw new IllegalArgumentException("reference store retentionMs=" + retentionMs + ", capacity=" + capacity +
                ": must be >= 0 and >= 1");
        }
        this.epochClockMs = epochClockMs;
        this.retentionMs = retentionMs;
        this.capacity = capacity;
    }

    /** Creates the SKU, or replaces its stock, limit and price (PUT): refuses a total below held + sold. */
    SkuAnswer putSku(final String code, final long totalStock, final long perCustomerLimit, final long priceMinor,
        final String currency)
    {
        lock.lock();
        try
        {
            sweep(now());
            Sku sku = skus.get(code);
            if (sku == null)
            {
                if (skus.size() >= MAX_SKUS)
                {
                    return new SkuAnswer(Problem.CAPACITY_EXHAUSTED, null);
                }
                sku = new Sku(code);
                skus.put(code, sku);
            }
            else if (totalStock < sku.held + sku.sold)
            {
                return new SkuAnswer(Problem.STOCK_BELOW_COMMITTED, null);
            }
            sku.totalStock = totalStock;
            sku.available = totalStock - sku.held - sku.sold;
            sku.perCustomerLimit = perCustomerLimit;
            sku.priceMinor = priceMinor;
            sku.currency = currency;
            return new SkuAnswer(null, view(sku));
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Holds every line or none. A key seen before with the same lines and hold answers that
     * checkout again; with others, IDEMPOTENCY_MISMATCH. Refusals store nothing.
     *
     * @param holdSeconds as sent, 0 = omitted (then {@code defaultHoldMs}).
     */
    Answer reserve(final long customerId, final String idempotencyKey, final String[] codes, final int[] quantities,
        final int lineCount, final long holdSeconds, final long defaultHoldMs)
    {
        final IdempotencyKey key = new IdempotencyKey(customerId, idempotencyKey);
        lock.lock();
        try
        {
            final long nowMs = now();
            sweep(nowMs);
            final Checkout earlier = byKey.get(key);
            if (earlier != null)
            {
                if (!sameRequest(earlier, codes, quantities, lineCount, holdSeconds))
                {
                    return new Answer(Problem.IDEMPOTENCY_MISMATCH, null, null, false);
                }
                expireIfDue(earlier, nowMs);
                return new Answer(null, earlier, earlier.status, true);
            }
            final Sku[] lines = new Sku[lineCount];
            for (int i = 0; i < lineCount; i++)
            {
                lines[i] = skus.get(codes[i]);
                if (lines[i] == null)
                {
                    return new Answer(Problem.SKU_NOT_FOUND, null, null, false);
                }
            }
            final Problem refusal = refusal(customerId, lines, quantities, lineCount);
            if (refusal != null)
            {
                return new Answer(refusal, null, null, false);
            }
            final int[] held = java.util.Arrays.copyOf(quantities, lineCount);
            final long expiresAtMs = nowMs + (holdSeconds == 0 ? defaultHoldMs : holdSeconds * 1000);
            final Checkout checkout = new Checkout(++lastCheckoutId, customerId, nowMs, expiresAtMs, lines, held,
                holdSeconds, key);
            for (int i = 0; i < lineCount; i++)
            {
                lines[i].available -= held[i];
                lines[i].held += held[i];
                usage.computeIfAbsent(new CustomerSku(customerId, lines[i]), k -> new long[1])[0] += held[i];
            }
            checkouts.put(checkout.checkoutId, checkout);
            byKey.put(key, checkout);
            holdsByExpiry.add(checkout);
            return new Answer(null, checkout, Status.HELD, false);
        }
        finally
        {
            lock.unlock();
        }
    }

    /** HELD to CONFIRMED; the same payment again is a replay, another one PAYMENT_CONFLICT. */
    Answer confirm(final long customerId, final long checkoutId, final String paymentRef)
    {
        lock.lock();
        try
        {
            final long nowMs = now();
            sweep(nowMs);
            final Checkout checkout = ownCheckout(customerId, checkoutId, nowMs);
            if (checkout == null)
            {
                return new Answer(Problem.CHECKOUT_NOT_FOUND, null, null, false);
            }
            return switch (checkout.status)
            {
                case HELD ->
                {
                    for (int i = 0; i < checkout.skus.length; i++)
                    {
                        checkout.skus[i].held -= checkout.quantities[i];
                        checkout.skus[i].sold += checkout.quantities[i];
                    }
                    checkout.paymentRef = paymentRef;
                    finish(checkout, Status.CONFIRMED, nowMs);
                    yield new Answer(null, checkout, Status.CONFIRMED, false);
                }
                case CONFIRMED -> paymentRef.equals(checkout.paymentRef) ?
                    new Answer(null, checkout, Status.CONFIRMED, true) :
                    new Answer(Problem.PAYMENT_CONFLICT, checkout, Status.CONFIRMED, false);
                case RELEASED -> new Answer(Problem.WRONG_STATE, checkout, Status.RELEASED, false);
                case EXPIRED -> new Answer(Problem.HOLD_EXPIRED, checkout, Status.EXPIRED, false);
            };
        }
        finally
        {
            lock.unlock();
        }
    }

    /** HELD to RELEASED, its units back to available; cancelling a released checkout again is a replay. */
    Answer cancel(final long customerId, final long checkoutId)
    {
        lock.lock();
        try
        {
            final long nowMs = now();
            sweep(nowMs);
            final Checkout checkout = ownCheckout(customerId, checkoutId, nowMs);
            if (checkout == null)
            {
                return new Answer(Problem.CHECKOUT_NOT_FOUND, null, null, false);
            }
            return switch (checkout.status)
            {
                case HELD ->
                {
                    release(checkout, Status.RELEASED, nowMs);
                    yield new Answer(null, checkout, Status.RELEASED, false);
                }
                case RELEASED -> new Answer(null, checkout, Status.RELEASED, true);
                case CONFIRMED -> new Answer(Problem.WRONG_STATE, checkout, Status.CONFIRMED, false);
                case EXPIRED -> new Answer(Problem.HOLD_EXPIRED, checkout, Status.EXPIRED, false);
            };
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * For tests: every SKU conserves its stock, and the units held by HELD checkouts are each
     * SKU's held units.
     *
     * @return null if all holds, else what does not.
     */
    String checkInvariants()
    {
        lock.lock();
        try
        {
            final Map<Sku, Long> heldByCheckouts = new HashMap<>();
            for (final Checkout checkout : checkouts.values())
            {
                for (int i = 0; checkout.status == Status.HELD && i < checkout.skus.length; i++)
                {
                    heldByCheckouts.merge(checkout.skus[i], (long)checkout.quantities[i], Long::sum);
                }
            }
            for (final Sku sku : skus.values())
            {
                if (sku.available < 0 || sku.held < 0 || sku.sold < 0 || sku.available + sku.held + sku.sold != sku.totalStock)
                {
                    return "SKU " + sku.code + ": total " + sku.totalStock + " != available " + sku.available + " + held " +
                        sku.held + " + sold " + sku.sold;
                }
                if (sku.held != heldByCheckouts.getOrDefault(sku, 0L))
                {
                    return "SKU " + sku.code + ": held " + sku.held + " != " + heldByCheckouts.getOrDefault(sku, 0L) +
                        " held by checkouts";
                }
            }
            return null;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** @return the SKU as it is now, or null if there is none (for tests). */
    SkuView sku(final String code)
    {
        lock.lock();
        try
        {
            final Sku sku = skus.get(code);
            return sku == null ? null : view(sku);
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Limits, then stock, then capacity: the engine's precedence for what this store checks. */
    private Problem refusal(final long customerId, final Sku[] lines, final int[] quantities, final int lineCount)
    {
        int newPairs = 0;
        for (int i = 0; i < lineCount; i++)
        {
            final long[] units = usage.get(new CustomerSku(customerId, lines[i]));
            newPairs += units == null ? 1 : 0;
            if ((units == null ? 0 : units[0]) + quantities[i] > lines[i].perCustomerLimit)
            {
                return Problem.LIMIT_EXCEEDED;
            }
        }
        for (int i = 0; i < lineCount; i++)
        {
            if (lines[i].available == 0)
            {
                return Problem.SOLD_OUT;
            }
        }
        for (int i = 0; i < lineCount; i++)
        {
            if (quantities[i] > lines[i].available)
            {
                return Problem.INSUFFICIENT_STOCK;
            }
        }
        if (checkouts.size() >= capacity || usage.size() + newPairs > capacity)
        {
            return Problem.CAPACITY_EXHAUSTED;
        }
        return null;
    }

    private static boolean sameRequest(final Checkout earlier, final String[] codes, final int[] quantities,
        final int lineCount, final long holdSeconds)
    {
        if (earlier.holdSeconds != holdSeconds || earlier.skus.length != lineCount)
        {
            return false;
        }
        for (int i = 0; i < lineCount; i++)
        {
            if (!earlier.skus[i].code.equals(codes[i]) || earlier.quantities[i] != quantities[i])
            {
                return false;
            }
        }
        return true;
    }

    /** @return the customer's checkout, EXPIRED first if its hold is past due; null if not theirs or not kept. */
    private Checkout ownCheckout(final long customerId, final long checkoutId, final long nowMs)
    {
        final Checkout checkout = checkouts.get(checkoutId);
        if (checkout == null || checkout.customerId != customerId)
        {
            return null;
        }
        expireIfDue(checkout, nowMs);
        return checkout;
    }

    private void expireIfDue(final Checkout checkout, final long nowMs)
    {
        if (checkout.status == Status.HELD && nowMs >= checkout.expiresAtMs)
        {
            release(checkout, Status.EXPIRED, nowMs);
        }
    }

    /** A hold ends without a sale: its units go back to available and off the customer's count. */
    private void release(final Checkout checkout, final Status status, final long nowMs)
    {
        for (int i = 0; i < checkout.skus.length; i++)
        {
            final Sku sku = checkout.skus[i];
            sku.held -= checkout.quantities[i];
            sku.available += checkout.quantities[i];
            final CustomerSku pair = new CustomerSku(checkout.customerId, sku);
            final long[] units = usage.get(pair);
            units[0] -= checkout.quantities[i];
            if (units[0] == 0)
            {
                usage.remove(pair);
            }
        }
        finish(checkout, status, nowMs);
    }

    private void finish(final Checkout checkout, final Status status, final long nowMs)
    {
        checkout.status = status;
        checkout.finishedAtMs = nowMs;
        finished.addLast(checkout);
    }

    /** Expires due holds, then forgets checkouts finished longer than the retention ago; each at most {@value #SWEEP_LIMIT}. */
    private void sweep(final long nowMs)
    {
        for (int i = 0; i < SWEEP_LIMIT && !holdsByExpiry.isEmpty() && holdsByExpiry.peek().expiresAtMs <= nowMs; i++)
        {
            expireIfDue(holdsByExpiry.poll(), nowMs); // confirmed and cancelled ones are skipped here
        }
        for (int i = 0; i < SWEEP_LIMIT && !finished.isEmpty() && finished.peekFirst().finishedAtMs + retentionMs <= nowMs; i++)
        {
            final Checkout old = finished.pollFirst();
            checkouts.remove(old.checkoutId);
            byKey.remove(old.key, old);
        }
    }

    /** @return the clock, never earlier than at the previous call (a wall clock may step back). */
    private long now()
    {
        lastNowMs = Math.max(lastNowMs, epochClockMs.getAsLong());
        return lastNowMs;
    }

    private static SkuView view(final Sku sku)
    {
        return new SkuView(sku.code, sku.totalStock, sku.available, sku.held, sku.sold, sku.perCustomerLimit,
            sku.priceMinor, sku.currency);
    }
}
