package dev.flashsale.engine;

import dev.flashsale.engine.protocol.ProtocolLimits;

import java.io.IOException;

/**
 * Reads the state sections of a snapshot ({@link EngineSnapshot} has the layout) into a fresh
 * engine of the same configuration, checking every count and index against its capacity so a
 * corrupt file fails with a message rather than an array error deep inside a table.
 */
final class SnapshotRestorer
{
    private final EngineState state;
    private final SnapshotInput in;

    SnapshotRestorer(final EngineState state, final SnapshotInput in)
    {
        this.state = state;
        this.in = in;
    }

    void restore() throws IOException
    {
        state.lastSequence = in.readLong();
        state.engineTimeMs = in.readLong();
        readSkus();
        readCheckouts();
        readCustomers();
        readIdempotency();
    }

    private void readSkus() throws IOException
    {
        final SkuBook skus = state.skus;
        final int count = count("SKUs", skus.capacity());
        for (int i = 0; i < count; i++)
        {
            final int sku = skus.add(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            skus.totalStock[sku] = in.readInt();
            skus.available[sku] = in.readInt();
            skus.held[sku] = in.readInt();
            skus.sold[sku] = in.readInt();
            skus.perCustomerLimit[sku] = in.readInt();
            skus.priceMinor[sku] = in.readLong();
            skus.currency[sku] = in.readInt();
            skus.startsAtMs[sku] = in.readLong();
            skus.endsAtMs[sku] = in.readLong();
            skus.paused[sku] = in.readByte() != 0;
        }
    }

    private void readCheckouts() throws IOException
    {
        final CheckoutStore checkouts = state.checkouts;
        final int capacity = checkouts.capacity();
        final long nextSerial = in.readLong();
        checkouts.clearAll();
        final int used = count("checkouts", capacity);
        for (int i = 0; i < used; i++)
        {
            final int slot = index("checkout slot", capacity);
            final long id = in.readLong();
            final long customerId = in.readLong();
            final byte checkoutState = in.readByte();
            if (checkouts.state(slot) != CheckoutStore.FREE)
            {
                throw corrupt("checkout slot " + slot + " appears twice");
            }
            if (!(checkoutState >= CheckoutStore.HELD && checkoutState <= CheckoutStore.EXPIRED))
            {
                throw corrupt("checkout state " + checkoutState);
            }
            if (!((id & CheckoutStore.SLOT_MASK) == slot && id > 0))
            {
                throw corrupt("checkout id " + id + " in slot " + slot);
            }
            checkouts.restoreSlot(slot, id, customerId, checkoutState, in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong());
            final int lines = in.readByte();
            if (!(lines >= 1 && lines <= checkouts.maxLines()))
            {
                throw corrupt("checkout with " + lines + " lines");
            }
            for (int line = 0; line < lines; line++)
            {
                final int sku = index("line SKU", state.skus.count());
                final int quantity = in.readInt();
                final long priceMinor = in.readLong();
                final int currency = in.readInt();
                if (!(quantity > 0 && priceMinor >= 0 && priceMinor <= ProtocolLimits.MAX_PRICE_MINOR &&
                    currency >= 0 && currency <= 0xFF_FFFF))
                {
                    throw corrupt("checkout line " + quantity + " x " + priceMinor);
                }
                checkouts.addLine(slot, sku, quantity, priceMinor, currency);
            }
            if (checkoutState == CheckoutStore.HELD)
            {
                state.expiries.add(checkouts.expiresAtMs(slot), id);
            }
        }
        final int free = count("free slots", capacity);
        if (free + used != capacity)
        {
            throw corrupt("free " + free + " + used " + used + " != capacity " + capacity);
        }
        final int[] freeSlots = new int[free];
        for (int i = 0; i < free; i++)
        {
            freeSlots[i] = index("free slot", capacity);
        }
        checkouts.restoreFreeStack(nextSerial, freeSlots, free);
        final int retained = count("retained checkouts", capacity);
        for (int i = 0; i < retained; i++)
        {
            state.retained.add(index("retained slot", capacity));
        }
    }

    private void readCustomers() throws IOException
    {
        final CustomerTable customers = state.customers;
        final int count = count("customers", customers.maxCustomers());
        for (int i = 0; i < count; i++)
        {
            final long customerId = in.readLong();
            final int holds = in.readInt();
            final int sku0 = inlineSku();
            final int units0 = in.readInt();
            final int sku1 = inlineSku();
            final int units1 = in.readInt();
            if (!(customerId > 0 && holds >= 0 && (sku0 < 0 ? units0 == 0 : units0 > 0) &&
                (sku1 < 0 ? units1 == 0 : units1 > 0) && (sku1 < 0 || sku0 < sku1)))
            {
                throw corrupt("customer " + customerId);
            }
            customers.restore(customerId, holds, sku0, units0, sku1, units1);
        }
        final int overflow = count("overflow entries", customers.maxOverflowEntries());
        for (int i = 0; i < overflow; i++)
        {
            final long customerId = in.readLong();
            final int sku = index("overflow SKU", state.skus.count());
            final int units = in.readInt();
            if (units <= 0)
            {
                throw corrupt("overflow entry " + customerId + "/" + sku);
            }
            customers.restoreOverflow(customerId, sku, units);
        }
    }

    private int inlineSku() throws IOException
    {
        final int sku = in.readInt();
        if (!(sku >= -1 && sku < state.skus.count()))
        {
            throw corrupt("inline SKU " + sku);
        }
        return sku;
    }

    private void readIdempotency() throws IOException
    {
        final int count = count("idempotency keys", state.config.idempotencyCapacity());
        for (int i = 0; i < count; i++)
        {
            state.idempotency.add(in.readInt(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong());
        }
    }

    private int count(final String what, final int capacity) throws IOException
    {
        final int count = in.readInt();
        if (!(count >= 0 && count <= capacity))
        {
            throw corrupt(what + " count " + count + " outside 0.." + capacity);
        }
        return count;
    }

    private int index(final String what, final int bound) throws IOException
    {
        final int index = in.readInt();
        if (!(index >= 0 && index < bound))
        {
            throw corrupt(what + " " + index + " outside 0.." + (bound - 1));
        }
        return index;
    }

    /** The message is built only on failure: restoring runs these checks millions of times. */
    private static SnapshotException corrupt(final String message)
    {
        return new SnapshotException("snapshot corrupt: " + message);
    }
}
