package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import java.util.List;

/**
 * The core thread's work for one batch of the input ring, stage after stage: every input stage
 * sees every input of the batch (the journaller appends them, and forces them to disk when
 * configured, at the batch's last input), then the engine decides them, its output going straight
 * to the output stages. The engine never decides an input before every input stage has passed the
 * whole batch, the guarantee the thread-per-stage layout gets from gating the engine on the
 * stages' sequences.
 *
 * <p>A stage that throws fails the pipeline under its own name ({@link CoreStageException}).
 */
final class CoreHandler implements EventHandler<InputSlot>
{
    private final RingBuffer<InputSlot> inputRing;
    private final InputStage[] inputStages;
    private final List<OutputStage> outputStages;
    private final EngineStage engine;
    private final Sequence staged;
    private long batchSize;
    private long batchStart = -1;

    /**
     * @param staged advanced to the last input every input stage passed, before the engine sees it
     *               ({@link Pipeline#stagedSequence()}).
     */
    CoreHandler(
        final RingBuffer<InputSlot> inputRing,
        final List<InputStage> inputStages,
        final EngineStage engine,
        final List<OutputStage> outputStages,
        final Sequence staged)
    {
        this.inputRing = inputRing;
        this.inputStages = inputStages.toArray(new InputStage[0]);
        this.outputStages = outputStages;
        this.engine = engine;
        this.staged = staged;
    }

    @Override
    public void onBatchStart(final long batchSize, final long queueDepth)
    {
        this.batchSize = batchSize;
        batchStart = -1;
    }

    @Override
    public void onEvent(final InputSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (batchStart < 0)
        {
            batchStart = sequence;
        }
        for (final InputStage stage : inputStages)
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
        if (endOfBatch)
        {
            staged.set(sequence);
            engine.onBatchStart(batchSize, batchSize);
            try
            {
                for (long next = batchStart; next <= sequence; next++)
                {
                    engine.onEvent(inputRing.get(next), next, next == sequence);
                }
            }
            catch (final CoreStageException ex)
            {
                throw ex; // an output stage, already named
            }
            catch (final RuntimeException | Error ex)
            {
                throw new CoreStageException("engine", ex);
            }
            batchStart = -1;
        }
    }

    @Override
    public void onStart()
    {
        for (final InputStage stage : inputStages)
        {
            start(stage);
        }
        for (final OutputStage stage : outputStages)
        {
            start(stage);
        }
    }

    @Override
    public void onShutdown()
    {
        RuntimeException first = null;
        for (final OutputStage stage : outputStages)
        {
            first = shutDown(stage, first);
        }
        for (final InputStage stage : inputStages)
        {
            first = shutDown(stage, first);
        }
        if (first != null)
        {
            throw first;
        }
    }

    private static void start(final PipelineStage<?> stage)
    {
        try
        {
            stage.onStart();
        }
        catch (final RuntimeException | Error ex)
        {
            throw new CoreStageException(stage.name(), ex);
        }
    }

    /** Shuts every stage down even if one throws (each closes its own files); the first failure is reported. */
    private static RuntimeException shutDown(final PipelineStage<?> stage, final RuntimeException first)
    {
        try
        {
            stage.onShutdown();
            return first;
        }
        catch (final RuntimeException | Error ex)
        {
            final CoreStageException failure = new CoreStageException(stage.name(), ex);
            if (first == null)
            {
                return failure;
            }
            first.addSuppressed(failure);
            return first;
        }
    }
}
