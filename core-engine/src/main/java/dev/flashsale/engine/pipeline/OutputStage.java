package dev.flashsale.engine.pipeline;

/**
 * A consumer of the engine's output (the responder, the event writer). Stages run in parallel,
 * each on its own thread, and every one sees every message; the engine waits for the slowest when
 * the output ring is full. An exception stops the pipeline.
 */
public interface OutputStage
{
    /** @return a short name, used for the thread ({@code flashsale-<name>}) and in errors. */
    String name();

    void onOutput(OutputSlot slot, boolean endOfBatch) throws Exception;

    /** Called on the stage's thread before the first message. */
    default void onStart()
    {
    }

    /** Called on the stage's thread after the last message. */
    default void onShutdown()
    {
    }
}
