package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import dev.flashsale.engine.Engine;
import dev.flashsale.engine.EngineOutput;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.List;

/**
 * Runs the engine: applies each input and passes every output message on, tagged with the
 * input's sequence and correlation. After each batch it publishes when housekeeping is next due,
 * for the ticker.
 *
 * <p>Where the messages go depends on the thread layout. With a thread per stage, each message
 * takes its own output-ring slot ({@link #toRing}); on the core thread, each is handed straight
 * to the output stages in one reused slot ({@link #direct}), and the last message of the batch's
 * last input (its result: every input ends with exactly one) carries {@code endOfBatch}.
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
final class EngineStage implements EventHandler<InputSlot>
{
    static final int PREFETCH_GROUP = 16;

    private final Engine engine;
    private final RingBuffer<InputSlot> inputRing;
    private final HousekeepingDue housekeepingDue;
    private final Output output;
    private volatile long batches; // one writer, this stage's thread
    private long batchRemaining;
    private long prefetchedUntil;
    private long prefetchSink; // the prefetched values summed into a field, so the JIT keeps the loads

    private EngineStage(
        final Engine engine,
        final RingBuffer<InputSlot> inputRing,
        final HousekeepingDue housekeepingDue,
        final Output output)
    {
        this.engine = engine;
        this.inputRing = inputRing;
        this.housekeepingDue = housekeepingDue;
        this.output = output;
    }

    /** The engine on its own thread, each output message into its own output-ring slot. */
    static EngineStage toRing(
        final Engine engine,
        final RingBuffer<InputSlot> inputRing,
        final RingBuffer<OutputSlot> outputRing,
        final HousekeepingDue housekeepingDue)
    {
        return new EngineStage(engine, inputRing, housekeepingDue, new RingOutput(outputRing));
    }

    /** The engine on the core thread, each output message handed straight to the output stages, in order. */
    static EngineStage direct(
        final Engine engine,
        final RingBuffer<InputSlot> inputRing,
        final List<OutputStage> outputStages,
        final HousekeepingDue housekeepingDue)
    {
        return new EngineStage(engine, inputRing, housekeepingDue, new DirectOutput(outputStages));
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
        output.input(slot.inputSequence, slot.correlationId, endOfBatch);
        engine.apply(slot.inputSequence, slot.timestampMs, slot.buffer, 0, slot.length, output);
        if (endOfBatch)
        {
            housekeepingDue.publish(engine.nextHousekeepingAtMs());
            batches++; // one writer: this thread; readers only need a recent value
        }
    }

    /** @return batches applied so far: inputs over batches is the mean batch, what each wake-up and journal append is paid for. */
    long batches()
    {
        return batches;
    }

    /** Stops a wait for output-ring space; the pipeline is halting. */
    void halt()
    {
        output.halt();
    }

    /** @return times the engine found the output ring full (engine thread only, or after it stopped). */
    long outputFullWaits()
    {
        return output.fullWaits();
    }

    /** Where the engine's output messages go; told which input they belong to before it is applied. */
    private abstract static class Output implements EngineOutput
    {
        long inputSequence;
        long correlationId;
        boolean lastOfBatch;

        final void input(final long inputSequence, final long correlationId, final boolean lastOfBatch)
        {
            this.inputSequence = inputSequence;
            this.correlationId = correlationId;
            this.lastOfBatch = lastOfBatch;
        }

        void halt()
        {
        }

        long fullWaits()
        {
            return 0;
        }
    }

    /** One output-ring slot per message; waits (without parking forever) while the ring is full. */
    private static final class RingOutput extends Output
    {
        private final RingBuffer<OutputSlot> outputRing;
        private final IdleStrategy outputFullIdle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
        private volatile boolean halted;
        private long outputFullWaits;
        private long claimedSequence;
        private OutputSlot claimedSlot;

        RingOutput(final RingBuffer<OutputSlot> outputRing)
        {
            this.outputRing = outputRing;
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

        @Override
        void halt()
        {
            halted = true;
        }

        @Override
        long fullWaits()
        {
            return outputFullWaits;
        }
    }

    /**
     * One slot, reused: each message goes through every output stage before the engine writes the
     * next. A stage's {@code endOfBatch} is the result of the batch's last input, so stages flush
     * and hand back once per batch, as they would at the end of an output-ring batch.
     */
    private static final class DirectOutput extends Output
    {
        private final OutputStage[] stages;
        private final OutputSlot slot = new OutputSlot();

        DirectOutput(final List<OutputStage> stages)
        {
            this.stages = stages.toArray(new OutputStage[0]);
        }

        @Override
        public MutableDirectBuffer claim()
        {
            slot.inputSequence = inputSequence;
            slot.correlationId = correlationId;
            return slot.buffer;
        }

        @Override
        public void commit(final int length, final boolean isResult)
        {
            slot.length = length;
            slot.result = isResult;
            final boolean endOfBatch = isResult && lastOfBatch;
            for (final OutputStage stage : stages)
            {
                try
                {
                    stage.onSlot(slot, endOfBatch);
                }
                catch (final Exception | Error ex)
                {
                    throw new CoreStageException(stage.name(), ex);
                }
            }
        }
    }
}
