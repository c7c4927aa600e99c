package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the engine on its thread: applies each input and publishes every output message into its
 * own output-ring slot, tagged with the input's sequence and correlation. After each batch it
 * publishes when housekeeping is next due, for the ticker.
 *
 * <p>Within a batch it asks the engine to prefetch the next {@value #PREFETCH_GROUP} inputs
 * together ({@link Engine#prefetch}) before applying them, so their cache misses overlap: with a
 * million shoppers this doubles engine throughput (docs/BENCHMARKS.md). Only published slots of
 * the current batch are read.
 *
 * <p>Output-ring space is claimed with {@code tryNext} and an idle strategy rather than
 * {@code next()}, so a halted pipeline cannot leave this thread parked forever behind a dead
 * output stage.
 */
final class EngineStage implements EventHandler<InputSlot>, EngineOutput
{
    static final int PREFETCH_GROUP = 16;

    private final Engine engine;
    private final RingBuffer<InputSlot> inputRing;
    private final RingBuffer<OutputSlot> outputRing;
    private final AtomicLong housekeepingDueMs;
    private final IdleStrategy outputFullIdle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    private volatile boolean halted;
    private long outputFullWaits;
    private long inputSequence;
    private long correlationId;
    private long claimedSequence;
    private OutputSlot claimedSlot;
    private long batchRemaining;
    private long prefetchedUntil;
    private long prefetchSink; // the prefetched values summed into a field, so the JIT keeps the loads

    EngineStage(
        final Engine engine,
        final RingBuffer<InputSlot> inputRing,
        final RingBuffer<OutputSlot> outputRing,
        final AtomicLong housekeepingDueMs)
    {
        this.engine = engine;
        this.inputRing = inputRing;
        this.outputRing = outputRing;
        this.housekeepingDueMs = housekeepingDueMs;
    }

    @Override
    public void onBatchStart(final long batchSize, final long queueDepth)
    {
        batchRemaining = batchSize;
    }

    @Override
    public void onEvent(final InputSlot slot, final long ringSequence, final boolean endOfBatch)
    {
        if (ringSequence >= prefetchedUntil)
        {
            prefetchedUntil = ringSequence + Math.min(PREFETCH_GROUP, batchRemaining);
            for (long next = ringSequence; next < prefetchedUntil; next++)
            {
                final InputSlot ahead = inputRing.get(next);
                prefetchSink += engine.prefetch(ahead.buffer, 0, ahead.length);
            }
        }
        batchRemaining--;
        inputSequence = slot.inputSequence;
        correlationId = slot.correlationId;
        engine.apply(slot.inputSequence, slot.timestampMs, slot.buffer, 0, slot.length, this);
        if (endOfBatch)
        {
            housekeepingDueMs.setRelease(engine.nextHousekeepingAtMs());
        }
    }

    @Override
    public MutableDirectBuffer claim()
    {
        long sequence;
        while (true)
        {
            try
            {
                sequence = outputRing.tryNext();
                break;
            }
            catch (final InsufficientCapacityException ex)
            {
                if (halted)
                {
                    throw new IllegalStateException("pipeline halted while the engine waited for output-ring space");
                }
                outputFullWaits++;
                outputFullIdle.idle();
            }
        }
        outputFullIdle.reset();
        claimedSequence = sequence;
        claimedSlot = outputRing.get(sequence);
        claimedSlot.inputSequence = inputSequence;
        claimedSlot.correlationId = correlationId;
        return claimedSlot.buffer;
    }

    @Override
    public void commit(final int length, final boolean isResult)
    {
        claimedSlot.length = length;
        claimedSlot.result = isResult;
        outputRing.publish(claimedSequence);
    }

    /** Stops a wait for output-ring space; the pipeline is halting. */
    void halt()
    {
        halted = true;
    }

    /** @return times the engine found the output ring full (engine thread only, or after it stopped). */
    long outputFullWaits()
    {
        return outputFullWaits;
    }
}
