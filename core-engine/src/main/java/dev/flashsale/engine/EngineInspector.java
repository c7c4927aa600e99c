package dev.flashsale.engine;

import dev.flashsale.engine.protocol.Ascii;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Reads across all state for tools and tests: SKU lookups by name and the full invariant check.
 * Allocates freely; never on the hot path.
 */
final class EngineInspector
{
    private EngineInspector()
    {
    }

    static java.util.List<String> skuCodes(final EngineState state)
    {
        final java.util.List<String> codes = new java.util.ArrayList<>();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SkuBook.CODE_WORDS * Long.BYTES]);
        for (int sku = 0; sku < state.skus.count(); sku++)
        {
            state.skus.putCode(sku, buffer, 0);
            codes.add(Ascii.toString(buffer, 0, buffer.capacity()));
        }
        return codes;
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

    /**
     * Recounts everything from the checkouts and compares. Scratch space is primitive arrays (one
     * int per customer-table row), so the check fits beside a full-budget engine.
     */
    static void verifyInvariants(final EngineState state)
    {
        final SkuBook skus = state.skus;
        final CheckoutStore checkouts = state.checkouts;
        final CustomerTable customers = state.customers;
        final long[] heldBySku = new long[skus.count()];
        final int[] holdsByRow = new int[customers.rowCount()];
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
                final int row = customers.find(checkouts.customerId(slot));
                check(row >= 0, "the customer of HELD slot " + slot + " has no record");
                holdsByRow[row]++;
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
        final int[] overflowByRow = new int[customers.rowCount()];
        customers.forEachOverflow((customerId, sku, units) ->
        {
            final int row = customers.find(customerId);
            check(row >= 0, "overflow entry of customer " + customerId + " who has no record");
            overflowByRow[row]++;
            unitsBySku[sku] += units;
        });
        customers.forEachCustomer((row, customerId, holds, inline0, inline1) ->
        {
            check(holds == holdsByRow[row], "customer " + customerId + " counts " + holds + " live holds, has " +
                holdsByRow[row]);
            check(customers.overflowCount(row) == overflowByRow[row], "overflow entries of customer " + customerId +
                " miscounted");
            check(inline0 != 0 || inline1 != 0 || overflowByRow[row] > 0, "customer " + customerId + " kept without units");
            addInline(unitsBySku, customerId, inline0);
            addInline(unitsBySku, customerId, inline1);
        });
        verifyKeysPerCustomer(state.idempotency);
        for (int sku = 0; sku < skus.count(); sku++)
        {
            state.checkConservation(sku);
            check(skus.held[sku] == heldBySku[sku], "SKU " + sku + " held " + skus.held[sku] + " != units in live holds " +
                heldBySku[sku]);
            check(unitsBySku[sku] == (long)skus.held[sku] + skus.sold[sku],
                "SKU " + sku + " customer units " + unitsBySku[sku] + " != held + sold");
        }
    }

    /** The per-customer key counts the reserve bound reads are a recount of the stored keys. */
    private static void verifyKeysPerCustomer(final IdempotencyTable keys)
    {
        final CounterTable recount = new CounterTable(Math.max(1, keys.size()));
        for (int age = 0; age < keys.size(); age++)
        {
            recount.add(keys.customerId(keys.positionOf(age)), 0, 1);
        }
        check(recount.size() == keys.customers(), "keys are counted for " + keys.customers() + " customers, stored for " +
            recount.size());
        recount.forEach((customerId, part, count) -> check(keys.keysOf(customerId) == count,
            "customer " + customerId + " has " + count + " stored keys, counted " + keys.keysOf(customerId)));
    }

    private static void addInline(final long[] unitsBySku, final long customerId, final long pair)
    {
        if (pair != 0)
        {
            check((int)pair > 0, "customer " + customerId + " keeps a SKU with no units");
            unitsBySku[(int)(pair >>> 32) - 1] += (int)pair;
        }
    }

    private static void check(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new InvariantViolation(message);
        }
    }
}
