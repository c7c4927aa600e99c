package dev.flashsale.engine.pipeline;

/**
 * A stage of the pipeline: one thread, every slot of its ring in order. Do I/O at batch
 * boundaries ({@code endOfBatch} is the moment to flush). An exception stops the whole pipeline; it
 * never skips the slot.
 *
 * @param <T> the ring's slot type.
 */
public interface PipelineStage<T>
{
    /** @return a short name, used for the thread ({@code flashsale-<name>}) and in errors. */
    String name();

    void onSlot(T slot, boolean endOfBatch) throws Exception;

    /** Called on the stage's thread before the first slot. */
    default void onStart()
    {
    }

    /** Called on the stage's thread after the last slot. */
    default void onShutdown()
    {
    }
}
