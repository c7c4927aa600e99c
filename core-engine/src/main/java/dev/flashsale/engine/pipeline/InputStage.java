package dev.flashsale.engine.pipeline;

/**
 * A stage that sees every input before the engine decides it (the journaller, the replicator).
 * Stages run in parallel, each on its own thread; the engine waits for all of them.
 *
 * <p>Do I/O at batch boundaries: {@code endOfBatch} is the moment to flush. An exception stops the
 * pipeline; it never skips the input.
 */
public interface InputStage
{
    /** @return a short name, used for the thread ({@code flashsale-<name>}) and in errors. */
    String name();

    void onInput(InputSlot slot, boolean endOfBatch) throws Exception;

    /** Called on the stage's thread before the first input. */
    default void onStart()
    {
    }

    /** Called on the stage's thread after the last input. */
    default void onShutdown()
    {
    }
}
