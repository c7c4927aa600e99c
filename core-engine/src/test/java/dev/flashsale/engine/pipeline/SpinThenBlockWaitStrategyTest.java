package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.RingBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SpinThenBlockWaitStrategyTest
{
    /** A slot holding one long. */
    static final class Slot
    {
        long value;
    }

    /** A ring and its consumer thread, which sums and counts what it consumes. */
    static final class Consumer
    {
        final RingBuffer<Slot> ring;
        final AtomicLong sum = new AtomicLong();
        final AtomicLong seen = new AtomicLong();
        final BatchEventProcessor<Slot> processor;
        final Thread thread;

        Consumer(final SpinThenBlockWaitStrategy strategy)
        {
            ring = RingBuffer.createMultiProducer(Slot::new, 64, strategy);
            processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), (slot, sequence, endOfBatch) ->
            {
                sum.addAndGet(slot.value);
                seen.incrementAndGet();
            });
            ring.addGatingSequences(processor.getSequence());
            thread = new Thread(processor, "consumer");
            thread.start();
        }
    }

    @Test
    void noPublishIsLostWhenTheConsumerBlocksBetweenBursts() throws Exception
    {
        final Consumer c = new Consumer(new SpinThenBlockWaitStrategy());
        final RingBuffer<Slot> ring = c.ring;
        final AtomicLong sum = c.sum;
        final AtomicLong seen = c.seen;
        final BatchEventProcessor<Slot> consumer = c.processor;
        final Thread thread = c.thread;

        final SplittableRandom random = new SplittableRandom(7);
        final int events = 200_000;
        long expected = 0;
        for (int i = 1; i <= events; i++)
        {
            final long sequence = ring.next();
            ring.get(sequence).value = i;
            ring.publish(sequence);
            expected += i;
            if (random.nextInt(500) == 0)
            {
                LockSupport.parkNanos(random.nextInt(200_000)); // let the consumer run dry and block
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.get() < events && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertThat(seen.get()).as("every published slot consumed").isEqualTo(events);
        assertThat(sum.get()).isEqualTo(expected);

        // Idle: the consumer blocks rather than spins, and a halt still wakes it.
        Thread.State state = thread.getState();
        final long idleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (state != Thread.State.WAITING && System.nanoTime() < idleDeadline)
        {
            Thread.sleep(1);
            state = thread.getState();
        }
        assertThat(state).as("an idle consumer waits on the monitor").isEqualTo(Thread.State.WAITING);
        consumer.halt();
        thread.join(5_000);
        assertThat(thread.isAlive()).as("a halt wakes a blocked consumer").isFalse();
    }

    /**
     * Two publishers that defer their signals over bursts and signal once after each: nothing is
     * lost, and a deferred publish leaves a blocked consumer asleep until its publisher signals.
     */
    @Test
    void publishesWithDeferredSignalsWakeTheConsumerOncePerBurstAndLoseNothing() throws Exception
    {
        final SpinThenBlockWaitStrategy strategy = new SpinThenBlockWaitStrategy();
        final Consumer c = new Consumer(strategy);
        final RingBuffer<Slot> ring = c.ring;
        final AtomicLong sum = c.sum;
        final AtomicLong seen = c.seen;
        final BatchEventProcessor<Slot> consumer = c.processor;
        final Thread thread = c.thread;

        // A blocked consumer stays asleep through a deferred publish, and wakes on the signal.
        awaitWaiting(thread);
        strategy.deferSignals(true);
        final long first = ring.next();
        ring.get(first).value = 1;
        ring.publish(first);
        strategy.deferSignals(false);
        Thread.sleep(50);
        assertThat(seen.get()).as("consumed before the publisher signalled").isZero();
        assertThat(thread.getState()).isEqualTo(Thread.State.WAITING);
        strategy.signal();
        final long wakeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.get() < 1 && System.nanoTime() < wakeDeadline)
        {
            Thread.sleep(1);
        }
        assertThat(seen.get()).as("consumed after the signal").isEqualTo(1);

        final int perPublisher = 100_000;
        final Thread[] publishers = new Thread[2];
        for (int p = 0; p < publishers.length; p++)
        {
            final SplittableRandom random = new SplittableRandom(11 + p);
            publishers[p] = new Thread(() ->
            {
                int published = 0;
                while (published < perPublisher)
                {
                    final int burst = Math.min(perPublisher - published, 1 + random.nextInt(40));
                    strategy.deferSignals(true);
                    for (int i = 0; i < burst; i++)
                    {
                        final long sequence = ring.next();
                        ring.get(sequence).value = 1;
                        ring.publish(sequence);
                    }
                    strategy.deferSignals(false);
                    strategy.signal();
                    published += burst;
                    if (random.nextInt(50) == 0)
                    {
                        LockSupport.parkNanos(random.nextInt(200_000)); // let the consumer run dry and block
                    }
                }
            }, "publisher-" + p);
            publishers[p].start();
        }
        for (final Thread publisher : publishers)
        {
            publisher.join(30_000);
        }
        final long events = 1 + 2L * perPublisher;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.get() < events && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertThat(seen.get()).as("every published slot consumed").isEqualTo(events);
        assertThat(sum.get()).isEqualTo(events);
        consumer.halt();
        thread.join(5_000);
        assertThat(thread.isAlive()).as("a halt wakes a blocked consumer").isFalse();
    }

    private static void awaitWaiting(final Thread thread) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertThat(thread.getState()).as("an idle consumer waits on the monitor").isEqualTo(Thread.State.WAITING);
    }
}
