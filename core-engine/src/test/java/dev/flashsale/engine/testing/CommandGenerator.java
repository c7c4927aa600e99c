package dev.flashsale.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random command sequences for a flash sale: a few SKUs, many customers, retries with the
 * same and another payload, confirms and cancels of real, foreign and bogus checkouts, admin
 * changes, bad input of every kind, and time that mostly crawls, sometimes jumps and now and then
 * goes back. Fed back the checkouts that were held, so later commands can target them.
 */
public final class CommandGenerator
{
    /** An id no engine or model ever assigns: bit 62 set. */
    private static final long BOGUS = 1L << 62;
    private static final String[] SKUS = {"HOT", "SKU-1", "SKU-2", "SKU.3", "sku_4"};
    private static final String[] BAD_SKUS = {"bad sku", "x/y", "", "GHOST"};

    private final SplittableRandom random;
    private final int customers;
    private final long minTtlMs;
    private final long maxTtlMs;
    private final List<Cmd.Reserve> reserves = new ArrayList<>();
    private final List<long[]> held = new ArrayList<>(); // {modelId, engineId, customerId}
    private long timeMs;

    public CommandGenerator(final long seed, final int customers, final long minTtlMs, final long maxTtlMs, final long startMs)
    {
        this.random = new SplittableRandom(seed);
        this.customers = customers;
        this.minTtlMs = minTtlMs;
        this.maxTtlMs = maxTtlMs;
        this.timeMs = startMs;
    }

    /** The SKUs of the sale, created before the random part. */
    public List<Cmd> setup()
    {
        final List<Cmd> setup = new ArrayList<>();
        for (final String sku : SKUS)
        {
            setup.add(new Cmd.UpsertSku(sku, 5 + random.nextInt(40), 1 + random.nextInt(5), 100 + random.nextInt(10_000),
                "EUR", 0, Long.MAX_VALUE));
        }
        return setup;
    }

    /** Records a checkout held by the last command. */
    public void held(final long modelId, final long engineId, final long customerId)
    {
        held.add(new long[] {modelId, engineId, customerId});
    }

    /** @return the stamped time for the next input. */
    public long nextTimeMs()
    {
        final int roll = random.nextInt(100);
        if (roll < 2)
        {
            timeMs -= random.nextInt(5_000);
        }
        else if (roll < 80)
        {
            timeMs += 5 * random.nextInt(4);
        }
        else if (roll < 97)
        {
            timeMs += 100 * (1 + random.nextInt(5));
        }
        else
        {
            timeMs += 500 * (1 + random.nextInt(30));
        }
        return timeMs;
    }

    public Cmd next()
    {
        final int roll = random.nextInt(100);
        if (roll < 45)
        {
            return reserve();
        }
        if (roll < 60)
        {
            final long[] target = target();
            final int paymentRoll = random.nextInt(100);
            final String paymentRef = paymentRoll < 80 ? "pay-" + target[0] : paymentRoll < 95 ? "other-" + target[0] : "";
            return new Cmd.Confirm(target[2], target[1], target[0], paymentRef);
        }
        if (roll < 70)
        {
            final long[] target = target();
            return new Cmd.Cancel(target[2], target[1], target[0]);
        }
        if (roll < 75)
        {
            final long[] target = target();
            return new Cmd.GetCheckout(target[2], target[1], target[0]);
        }
        if (roll < 83)
        {
            return new Cmd.Tick();
        }
        if (roll < 86)
        {
            return new Cmd.GetAvailability(sku());
        }
        if (roll < 89)
        {
            final int quantity = random.nextInt(50) == 0 ? random.nextInt(3) - 1 : 1 + random.nextInt(20);
            return new Cmd.Restock(sku(), random.nextInt(200) == 0 ? 1_000_000_000 : quantity);
        }
        if (roll < 92)
        {
            return new Cmd.AdjustStock(sku(), random.nextInt(60) - (random.nextInt(30) == 0 ? 70 : 0));
        }
        if (roll < 94)
        {
            return random.nextInt(10) < 2 ? new Cmd.Pause(sku()) : new Cmd.Resume(sku());
        }
        if (roll < 96)
        {
            return upsert();
        }
        return reserve();
    }

    private Cmd reserve()
    {
        if (!reserves.isEmpty() && random.nextInt(100) < 15)
        {
            final Cmd.Reserve previous = reserves.get(random.nextInt(reserves.size()));
            if (random.nextInt(100) < 70)
            {
                return previous;
            }
            final List<Integer> quantities = new ArrayList<>(previous.quantities());
            quantities.set(0, quantities.get(0) + 1);
            return new Cmd.Reserve(previous.clientId(), previous.customerId(), previous.holdTtlMs(), previous.key(),
                previous.skus(), quantities);
        }
        final int lineCount = random.nextInt(10) < 8 ? 1 : 2 + random.nextInt(random.nextInt(40) == 0 ? 5 : 2);
        final List<String> skus = new ArrayList<>();
        final List<Integer> quantities = new ArrayList<>();
        for (int i = 0; i < lineCount; i++)
        {
            String sku = sku();
            if (random.nextInt(50) != 0)
            {
                while (skus.contains(sku))
                {
                    sku = sku();
                }
            }
            skus.add(sku);
            final int qtyRoll = random.nextInt(100);
            quantities.add(qtyRoll < 2 ? random.nextInt(2) - 1 : qtyRoll < 4 ? 50 + random.nextInt(10) : 1 + random.nextInt(3));
        }
        final int ttlRoll = random.nextInt(100);
        final long ttl = ttlRoll < 50 ? 0 : ttlRoll < 95 ? Math.min(maxTtlMs, minTtlMs + 100 * random.nextLong((maxTtlMs - minTtlMs) / 100 + 1)) :
            (random.nextBoolean() ? maxTtlMs + 1 : -1);
        final int keyRoll = random.nextInt(100);
        final String key = keyRoll < 50 ? "" : keyRoll < 96 ? "k" + random.nextInt(40) : "bad key";
        final int clientId = random.nextInt(100) == 0 ? 0 : 1 + random.nextInt(2);
        final Cmd.Reserve reserve = new Cmd.Reserve(clientId, customer(), ttl, key, skus, quantities);
        reserves.add(reserve);
        if (reserves.size() > 500)
        {
            reserves.remove(0);
        }
        return reserve;
    }

    private Cmd upsert()
    {
        final int roll = random.nextInt(100);
        final long start = roll < 10 ? timeMs + random.nextInt(30_000) : 0;
        final long end = roll >= 10 && roll < 14 ? timeMs - random.nextInt(10_000) + 5_000 : Long.MAX_VALUE;
        final int total = random.nextInt(20) == 0 ? -1 : random.nextInt(60);
        final String currency = random.nextInt(20) == 0 ? "eu" : "EUR";
        return new Cmd.UpsertSku(random.nextInt(20) == 0 ? "NEW-" + random.nextInt(10) : sku(), total,
            random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(5), random.nextInt(10_000), currency, start, end);
    }

    /** @return {modelId, engineId, customerId}: mostly a real checkout of its owner. */
    private long[] target()
    {
        final int roll = random.nextInt(100);
        if (held.isEmpty() || roll < 4)
        {
            final long bogus = BOGUS | random.nextInt(1 << 20);
            return new long[] {bogus, bogus, customer()};
        }
        final int recent = random.nextInt(10) < 8 ? 10 : 300;
        final long[] checkout = held.get(held.size() - 1 - random.nextInt(Math.min(held.size(), recent)));
        if (roll < 12)
        {
            return new long[] {checkout[0], checkout[1], customer()};
        }
        if (roll < 14)
        {
            final long invalid = -random.nextInt(3);
            return new long[] {invalid, invalid, checkout[2]};
        }
        return checkout;
    }

    private String sku()
    {
        return random.nextInt(40) == 0 ? BAD_SKUS[random.nextInt(BAD_SKUS.length)] :
            random.nextInt(3) == 0 ? SKUS[0] : SKUS[random.nextInt(SKUS.length)];
    }

    private long customer()
    {
        return random.nextInt(200) == 0 ? -random.nextInt(2) : 1 + random.nextInt(customers);
    }
}
