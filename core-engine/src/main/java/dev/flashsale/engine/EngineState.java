package dev.flashsale.engine;

/**
 * All mutable state of the engine and the transitions that several commands share: touching a SKU,
 * expiring a hold, housekeeping before each input. Engine thread only.
 *
 * <p>Units of a checkout move between a SKU's counters in exactly three transitions: reserve
 * (available to held), confirm (held to sold) and release or expiry (held to available). The
 * customer ledger follows: units held + confirmed per (customer, SKU), and live holds per customer.
 */
final class EngineState
{
    final EngineConfig config;
    final SkuBook skus;
    final CheckoutStore checkouts;
    final ExpiryQueue expiries;
    /** Terminal checkout slots in the order they became terminal (engine-time order). */
    final SlotFifo retained;
    /** Per customer: live holds, and units held + confirmed per SKU (what limits count). */
    final CustomerTable customers;
    final IdempotencyTable idempotency;
    final OutputPublisher publisher;

    /** SKUs whose counters this input changed, in first-touch order, with available before it. */
    private final int[] touchedSkus;
    private final int[] availableBefore;
    private final long[] touchedAtSequence;
    private int touchedCount;

    long lastSequence;
    long engineTimeMs;

    EngineState(final EngineConfig config)
    {
        this.config = config;
        skus = new SkuBook(config.maxSkus());
        checkouts = new CheckoutStore(config.checkoutCapacity(), config.maxLinesPerCheckout());
        expiries = new ExpiryQueue(config.checkoutCapacity());
        retained = new SlotFifo(config.checkoutCapacity());
        customers = new CustomerTable(config.customerCapacity(), config.customerOverflowCapacity());
        idempotency = new IdempotencyTable(config.idempotencyCapacity());
        publisher = new OutputPublisher(checkouts, skus);
        touchedSkus = new int[config.maxSkus()];
        availableBefore = new int[config.maxSkus()];
        touchedAtSequence = new long[config.maxSkus()];
    }

    /** Records that this input is about to change a SKU's counters. */
    void touch(final int sku)
    {
        if (touchedAtSequence[sku] != lastSequence)
        {
            touchedAtSequence[sku] = lastSequence;
            availableBefore[sku] = skus.available[sku];
            touchedSkus[touchedCount++] = sku;
        }
    }

    /**
     * Ends the changes of an input: checks conservation on every touched SKU and publishes its
     * counters, and a sold-out event where available stock reached zero.
     */
    void publishTouchedSkus()
    {
        for (int i = 0; i < touchedCount; i++)
        {
            final int sku = touchedSkus[i];
            checkConservation(sku);
            publisher.stockChanged(sku);
            if (availableBefore[sku] > 0 && skus.available[sku] == 0)
            {
                publisher.soldOut(sku);
            }
        }
        touchedCount = 0;
    }

    void checkConservation(final int sku)
    {
        final int available = skus.available[sku];
        final int held = skus.held[sku];
        final int sold = skus.sold[sku];
        if (available < 0 || held < 0 || sold < 0 || (long)available + held + sold != skus.totalStock[sku])
        {
            throw new InvariantViolation("conservation broken for SKU index " + sku + " after input " + lastSequence +
                ": available=" + available + " held=" + held + " sold=" + sold + " total=" + skus.totalStock[sku]);
        }
    }

    /** Expires due holds and evicts retained checkouts and idempotency keys, each within its budget. */
    void housekeeping()
    {
        final long now = engineTimeMs;
        for (int budget = config.maxExpiriesPerInput(); budget > 0; budget--)
        {
            if (expiries.isEmpty() || expiries.peekExpiresAtMs() > now)
            {
                break;
            }
            expire(expiries.peekSlot());
        }
        final long checkoutRetentionMs = config.checkoutRetentionMs();
        for (int budget = config.maxEvictionsPerInput(); budget > 0; budget--)
        {
            if (retained.isEmpty() || now - checkouts.terminalAtMs(retained.peek()) < checkoutRetentionMs)
            {
                break;
            }
            checkouts.free(retained.poll());
        }
        final long idempotencyRetentionMs = config.idempotencyRetentionMs();
        for (int budget = config.maxEvictionsPerInput(); budget > 0; budget--)
        {
            if (idempotency.size() == 0 || now - idempotency.oldestCreatedAtMs() < idempotencyRetentionMs)
            {
                break;
            }
            idempotency.evictOldest();
        }
    }

    /**
     * @return the engine time at which housekeeping next has work: the first hold expiry or the first
     *     retention eviction; {@code Long.MAX_VALUE} if none.
     */
    long nextHousekeepingAtMs()
    {
        long due = Long.MAX_VALUE;
        if (!expiries.isEmpty())
        {
            due = expiries.peekExpiresAtMs();
        }
        if (!retained.isEmpty())
        {
            due = Math.min(due, saturatedAdd(checkouts.terminalAtMs(retained.peek()), config.checkoutRetentionMs()));
        }
        if (idempotency.size() > 0)
        {
            due = Math.min(due, saturatedAdd(idempotency.oldestCreatedAtMs(), config.idempotencyRetentionMs()));
        }
        return due;
    }

    private static long saturatedAdd(final long a, final long b)
    {
        return b > Long.MAX_VALUE - a ? Long.MAX_VALUE : a + b;
    }

    /**
     * Expires a HELD checkout whose expiry has come: a request that touches it sees it expired even
     * if housekeeping has not reached it yet (only possible when more holds fall due at once than
     * {@code maxExpiriesPerInput}).
     *
     * @return true if it expired now.
     */
    boolean expireIfDue(final int slot)
    {
        if (checkouts.state(slot) == CheckoutStore.HELD && checkouts.expiresAtMs(slot) <= engineTimeMs)
        {
            expire(slot);
            return true;
        }
        return false;
    }

    /** HELD to EXPIRED: units back to available. */
    void expire(final int slot)
    {
        endHold(slot, CheckoutStore.EXPIRED);
        releaseHeldUnits(slot);
        publisher.checkoutExpired(slot);
    }

    /** HELD to RELEASED: units back to available. */
    void release(final int slot)
    {
        endHold(slot, CheckoutStore.RELEASED);
        releaseHeldUnits(slot);
        publisher.checkoutReleased(slot);
    }

    /** HELD to CONFIRMED: held units become sold; the customer's units stay counted. */
    void confirm(final int slot)
    {
        endHold(slot, CheckoutStore.CONFIRMED);
        for (int line = 0, count = checkouts.lineCount(slot); line < count; line++)
        {
            final int sku = checkouts.lineSku(slot, line);
            final int quantity = checkouts.lineQuantity(slot, line);
            touch(sku);
            skus.held[sku] -= quantity;
            skus.sold[sku] += quantity;
        }
    }

    /** @return the slot of this customer's retained checkout, or -1 (unknown id or another customer's). */
    int findCheckout(final long checkoutId, final long customerId)
    {
        final int slot = checkouts.find(checkoutId);
        return slot >= 0 && checkouts.customerId(slot) == customerId ? slot : -1;
    }

    private void releaseHeldUnits(final int slot)
    {
        final long customerId = checkouts.customerId(slot);
        for (int line = 0, count = checkouts.lineCount(slot); line < count; line++)
        {
            final int sku = checkouts.lineSku(slot, line);
            final int quantity = checkouts.lineQuantity(slot, line);
            touch(sku);
            skus.held[sku] -= quantity;
            skus.available[sku] += quantity;
            customers.addUnits(customerId, sku, -quantity);
        }
    }

    /** Leaves HELD: out of the expiry queue and the customer's live holds, into retention. */
    private void endHold(final int slot, final byte state)
    {
        expiries.remove(slot);
        customers.addLiveHolds(checkouts.customerId(slot), -1);
        checkouts.terminate(slot, state, engineTimeMs);
        retained.add(slot);
    }
}
