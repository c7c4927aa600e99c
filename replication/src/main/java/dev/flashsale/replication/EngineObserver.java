package dev.flashsale.replication;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.pipeline.OutputSlot;

/**
 * Sees, on the service thread, the engine a member starts with and then every output (event and
 * result, every client's) its engine produces, replayed inputs included: what the member's metrics
 * are made from. Must not block: it runs inside the cluster log's processing.
 */
public interface EngineObserver
{
    EngineObserver NONE = new EngineObserver()
    {
        @Override
        public void onStart(final Engine engine)
        {
        }

        @Override
        public void onOutput(final OutputSlot slot, final boolean endOfInput)
        {
        }
    };

    /** The engine the service starts from (empty, or from the cluster snapshot), before its first input. */
    void onStart(Engine engine);

    /** One output of the engine; the slot is reused after the call. */
    void onOutput(OutputSlot slot, boolean endOfInput);
}
