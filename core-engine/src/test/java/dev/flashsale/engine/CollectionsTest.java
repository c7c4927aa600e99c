package dev.flashsale.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's primitive collections against java.util on seeded random operation sequences. */
class CollectionsTest
{
    @Test
    void counterTableBehavesLikeAMapThatDropsZeroes()
    {
        for (final long seed : new long[] {1, 2, 3})
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final CounterTable table = new CounterTable(500);
            final Map<List<Long>, Integer> expected = new HashMap<>();
            for (int i = 0; i < 200_000; i++)
            {
                final long key = random.nextInt(40) - 5; // clustered keys force long probe chains
                final int part = random.nextInt(30);
                final List<Long> k = List.of(key, (long)part);
                final int current = expected.getOrDefault(k, 0);
                if (current > 0 && random.nextBoolean())
                {
                    final int delta = -1 - random.nextInt(current);
                    assertThat(table.add(key, part, delta)).isEqualTo(current + delta);
                    expected.merge(k, delta, (a, b) -> a + b == 0 ? null : a + b);
                }
                else if (current > 0 || table.remaining() > 0)
                {
                    final int delta = 1 + random.nextInt(5);
                    assertThat(table.add(key, part, delta)).isEqualTo(current + delta);
                    expected.merge(k, delta, Integer::sum);
                }
                assertThat(table.size()).isEqualTo(expected.size());
                final long probeKey = random.nextInt(40) - 5;
                final int probePart = random.nextInt(30);
                assertThat(table.get(probeKey, probePart)).isEqualTo(expected.getOrDefault(List.of(probeKey, (long)probePart), 0));
            }
            final Map<List<Long>, Integer> actual = new HashMap<>();
            table.forEach((key, part, count) -> actual.put(List.of(key, (long)part), count));
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void customerTableKeepsUnitsAndHoldsLikeAMapOfMaps()
    {
        final SplittableRandom random = new SplittableRandom(8);
        final CustomerTable table = new CustomerTable(60, 40);
        final Map<Long, Map<Integer, Integer>> units = new HashMap<>();
        final Map<Long, Integer> holds = new HashMap<>();
        for (int i = 0; i < 300_000; i++)
        {
            final long customer = 1 + random.nextInt(80);
            final int sku = random.nextInt(6);
            final Map<Integer, Integer> mine = units.getOrDefault(customer, Map.of());
            final int current = mine.getOrDefault(sku, 0);
            final int row = table.find(customer);
            assertThat(row >= 0).isEqualTo(units.containsKey(customer));
            assertThat(table.units(row, sku)).isEqualTo(current);
            assertThat(table.liveHolds(row)).isEqualTo(holds.getOrDefault(customer, 0));
            final int op = random.nextInt(4);
            if (op == 0 && current > 0 && holds.getOrDefault(customer, 0) == 0)
            {
                table.addUnits(customer, sku, -current);
                units.get(customer).remove(sku);
                if (units.get(customer).isEmpty())
                {
                    units.remove(customer);
                }
            }
            else if (op == 1 && current == 0 && !table.hasRoom(row, 1))
            {
                continue;
            }
            else if (op == 1 || (op == 2 && current > 0))
            {
                table.addUnits(customer, sku, 1);
                units.computeIfAbsent(customer, c -> new HashMap<>()).merge(sku, 1, Integer::sum);
            }
            else if (op == 3 && units.containsKey(customer))
            {
                final int delta = holds.getOrDefault(customer, 0) > 0 && random.nextBoolean() ? -1 : 1;
                table.addLiveHolds(customer, delta);
                holds.merge(customer, delta, (a, b) -> a + b == 0 ? null : a + b);
            }
            assertThat(table.size()).isEqualTo(units.size());
        }
    }

    @Test
    void expiryQueuePollsInExpiryThenIdOrder()
    {
        final SplittableRandom random = new SplittableRandom(4);
        final int capacity = 300;
        final ExpiryQueue queue = new ExpiryQueue(capacity);
        final long[] expires = new long[capacity];
        final long[] ids = new long[capacity];
        final Comparator<Integer> order = Comparator.<Integer>comparingLong(s -> expires[s]).thenComparingLong(s -> ids[s]);
        final TreeSet<Integer> expected = new TreeSet<>(order);
        long nextId = 1;
        for (int i = 0; i < 300_000; i++)
        {
            final int slot = random.nextInt(capacity);
            final int op = random.nextInt(3);
            if (op == 0 && !queue.contains(slot))
            {
                expires[slot] = random.nextInt(50);
                ids[slot] = nextId++ << CheckoutStore.SLOT_BITS | slot;
                queue.add(expires[slot], ids[slot]);
                expected.add(slot);
            }
            else if (op == 1 && queue.contains(slot))
            {
                expected.remove(slot);
                queue.remove(slot);
            }
            else if (!expected.isEmpty())
            {
                assertThat(queue.peekSlot()).isEqualTo(expected.first());
                assertThat(queue.peekExpiresAtMs()).isEqualTo(expires[expected.first()]);
                queue.remove(expected.pollFirst());
            }
            assertThat(queue.size()).isEqualTo(expected.size());
        }
    }

    @Test
    void idempotencyTableFindsWhatItHoldsAndEvictsOldestFirst()
    {
        final SplittableRandom random = new SplittableRandom(5);
        final IdempotencyTable table = new IdempotencyTable(64);
        final ArrayDeque<long[]> fifo = new ArrayDeque<>();
        final Map<List<Long>, Long> expected = new HashMap<>();
        long time = 0;
        for (int i = 0; i < 200_000; i++)
        {
            final int client = 1 + random.nextInt(2);
            final long customer = random.nextInt(20);
            final long high = random.nextInt(8);
            final long low = random.nextInt(4);
            final List<Long> key = List.of((long)client, customer, high, low);
            final int position = table.find(client, customer, high, low);
            assertThat(position >= 0).isEqualTo(expected.containsKey(key));
            if (position >= 0)
            {
                assertThat(table.checkoutId(position)).isEqualTo(expected.get(key));
            }
            else if (!table.isFull() && random.nextBoolean())
            {
                table.add(client, customer, high, low, 9, i, time++, 0);
                expected.put(key, (long)i);
                fifo.addLast(new long[] {client, customer, high, low});
            }
            else if (table.size() > 0)
            {
                assertThat(table.oldestCreatedAtMs()).isEqualTo(time - table.size());
                table.evictOldest();
                final long[] oldest = fifo.pollFirst();
                expected.remove(List.of(oldest[0], oldest[1], oldest[2], oldest[3]));
            }
            assertThat(table.size()).isEqualTo(expected.size());
        }
    }

    @Test
    void tablesAreSizedOnceForTheirEntries()
    {
        assertThat(Hashing.tableSizeFor(7)).isEqualTo(16);
        assertThat(Hashing.tableSizeFor(1_000_000)).isEqualTo(1 << 21);
        assertThat(Hashing.tableSizeFor(10_000_000)).isEqualTo(1 << 24);
        assertThat(7 / (double)Hashing.tableSizeFor(7)).isLessThanOrEqualTo(0.7);
    }
}
