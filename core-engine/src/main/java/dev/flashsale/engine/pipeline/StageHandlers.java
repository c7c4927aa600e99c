package dev.flashsale.engine.pipeline;

import com.lmax.disruptor.EventHandler;

/** Adapts the pipeline's stage interfaces to Disruptor event handlers. */
final class StageHandlers
{
    private StageHandlers()
    {
    }

    static EventHandler<InputSlot> of(final InputStage stage)
    {
        return new EventHandler<>()
        {
            @Override
            public void onEvent(final InputSlot slot, final long sequence, final boolean endOfBatch) throws Exception
            {
                stage.onInput(slot, endOfBatch);
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
        };
    }

    static EventHandler<OutputSlot> of(final OutputStage stage)
    {
        return new EventHandler<>()
        {
            @Override
            public void onEvent(final OutputSlot slot, final long sequence, final boolean endOfBatch) throws Exception
            {
                stage.onOutput(slot, endOfBatch);
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
        };
    }
}
