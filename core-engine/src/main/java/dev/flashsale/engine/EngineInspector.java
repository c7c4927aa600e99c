package dev.flashsale.engine;

import dev.flashsale.engine.protocol.Ascii;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads across all state for tools and tests: SKU lookups by name and the full invariant check.
 * Allocates freely; never on the hot path.
 */
final class EngineInspector
{
    private EngineInspector()
    {
    }

    static SkuSnapshot sku(final EngineState state, final String code)
    {
        if (!Ascii.isSkuCode(code))
        {
            return null;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SkuBook.CODE_WORDS * Long.BYTES]);
        buffer.putBytes(0, code.getBytes(StandardCharsets.US_ASCII));
        final SkuBook skus = state.skus;
        final int sku = skus.find(buffer, 0);
        if (sku == SkuBook.NOT_FOUND)
        {
            return null;
        }
        final UnsafeBuffer currency = new UnsafeBuffer(new byte[3]);
        SkuBook.putCurrency(skus.currency[sku], currency, 0);
        return new SkuSnapshot(
            code,
            skus.totalStock[sku],
            skus.available[sku],
            skus.held[sku],
            skus.sold[sku],
            skus.perCustomerLimit[sku],
            skus.priceMinor[sku],
            Ascii.toString(currency, 0, 3),
            skus.startsAtMs[sku],
            skus.endsAtMs[sku],
            skus.paused[sku]);
    }

    static void verifyInvariants(final EngineState state)
    {
        final SkuBook skus = state.skus;
        final CheckoutStore checkouts = state.checkouts;
        final long[] heldBySku = new long[skus.count()];
        final Map<Long, Integer> liveHoldsByCustomer = new HashMap<>();
        int liveHolds = 0;
        int terminal = 0;
        for (int slot = 0; slot < checkouts.capacity(); slot++)
        {
            final byte checkoutState = checkouts.state(slot);
            if (checkoutState == CheckoutStore.FREE)
            {
                continue;
            }
            check(checkouts.find(checkouts.id(slot)) == slot, "checkout id does not lead to its slot " + slot);
            if (checkoutState == CheckoutStore.HELD)
            {
                liveHolds++;
                check(state.expiries.contains(slot), "HELD slot " + slot + " not queued for expiry");
                liveHoldsByCustomer.merge(checkouts.customerId(slot), 1, Integer::sum);
                for (int line = 0; line < checkouts.lineCount(slot); line++)
                {
                    heldBySku[checkouts.lineSku(slot, line)] += checkouts.lineQuantity(slot, line);
                }
            }
            else
            {
                terminal++;
                check(!state.expiries.contains(slot), "terminal slot " + slot + " queued for expiry");
            }
        }
        check(state.expiries.size() == liveHolds, "expiry queue size " + state.expiries.size() + " != live holds " + liveHolds);
        check(state.retained.size() == terminal, "retained " + state.retained.size() + " != terminal checkouts " + terminal);
        check(checkouts.usedCount() == liveHolds + terminal, "used slots do not match checkouts");
        for (int i = 0; i < checkouts.freeCount(); i++)
        {
            check(checkouts.state(checkouts.freeSlotAt(i)) == CheckoutStore.FREE, "free stack holds a used slot");
        }
        for (int i = 0; i < state.retained.size(); i++)
        {
            final byte s = checkouts.state(state.retained.get(i));
            check(s != CheckoutStore.FREE && s != CheckoutStore.HELD, "retained FIFO holds a non-terminal slot");
        }

        final long[] unitsBySku = new long[skus.count()];
        final Map<Long, Integer> counted = new HashMap<>();
        final Map<Long, Integer> overflowByCustomer = new HashMap<>();
        state.customers.forEachCustomer((customerId, holds, inline0, inline1) ->
        {
            check(inline0 != 0 || inline1 != 0 || state.customers.overflowCount(state.customers.find(customerId)) > 0,
                "customer " + customerId + " kept without units");
            for (final long pair : new long[] {inline0, inline1})
            {
                if (pair != 0)
                {
                    check((int)pair > 0, "customer " + customerId + " keeps a SKU with no units");
                    unitsBySku[(int)(pair >>> 32) - 1] += (int)pair;
                }
            }
            if (holds > 0)
            {
                counted.put(customerId, holds);
            }
        });
        state.customers.forEachOverflow((customerId, sku, units) ->
        {
            unitsBySku[sku] += units;
            overflowByCustomer.merge(customerId, 1, Integer::sum);
        });
        overflowByCustomer.forEach((customerId, entries) -> check(
            state.customers.overflowCount(state.customers.find(customerId)) == entries,
            "overflow entries of customer " + customerId + " miscounted"));
        for (int sku = 0; sku < skus.count(); sku++)
        {
            state.checkConservation(sku);
            check(skus.held[sku] == heldBySku[sku], "SKU " + sku + " held " + skus.held[sku] + " != units in live holds " +
                heldBySku[sku]);
            check(unitsBySku[sku] == (long)skus.held[sku] + skus.sold[sku],
                "SKU " + sku + " customer units " + unitsBySku[sku] + " != held + sold");
        }

        check(counted.equals(liveHoldsByCustomer), "live holds per customer do not match the checkouts");
    }

    private static void check(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new InvariantViolation(message);
        }
    }
}
