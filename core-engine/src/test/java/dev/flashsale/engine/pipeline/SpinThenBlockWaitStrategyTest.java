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

    @Test
    void noPublishIsLostWhenTheConsumerBlocksBetweenBursts() throws Exception
    {
        final RingBuffer<Slot> ring = RingBuffer.createMultiProducer(Slot::new, 64, new SpinThenBlockWaitStrategy());
        final AtomicLong sum = new AtomicLong();
        final AtomicLong seen = new AtomicLong();
        final BatchEventProcessor<Slot> consumer = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(),
            (slot, sequence, endOfBatch) ->
            {
                sum.addAndGet(slot.value);
                seen.incrementAndGet();
            });
        ring.addGatingSequences(consumer.getSequence());
        final Thread thread = new Thread(consumer, "consumer");
        thread.start();

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
}
