package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.EventHandler;

/** Adapts a pipeline stage to a Disruptor event handler. */
final class StageHandler<T> implements EventHandler<T>
{
    private final PipelineStage<T> stage;

    StageHandler(final PipelineStage<T> stage)
    {
        this.stage = stage;
    }

    @Override
    public void onEvent(final T slot, final long sequence, final boolean endOfBatch) throws Exception
    {
        stage.onSlot(slot, endOfBatch);
    }

    @Override
    public void onStart()
    {
        stage.onStart();
    }

    @Override
    public void onShutdown()
    {
        stage.onShutdown();
    }
}
