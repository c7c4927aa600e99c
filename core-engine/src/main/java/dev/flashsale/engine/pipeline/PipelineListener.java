package dev.flashsale.engine.pipeline;

/** Hears how a pipeline ends, and steps of the wall clock. Called on the thread where it happened; must not block. */
@FunctionalInterface
public interface PipelineListener
{
    /**
     * A stage threw: the pipeline has stopped intake and is halting. The input that failed was
     * not skipped: recovery replays it.
     *
     * @param stage the stage's name ({@code engine} for the engine).
     * @param cause what it threw.
     */
    void onFailure(String stage, Throwable cause);

    /**
     * The wall clock stepped further than {@code pipeline.max-clock-step-ms} and the node's clock
     * followed it only that far ({@link NodeClock}). Called on the publishing thread that saw it.
     *
     * @param wallStepMs how far the wall clock moved beyond the elapsed time, negative if back.
     * @param followedMs how far the node's clock moved with it.
     */
    default void onClockStep(final long wallStepMs, final long followedMs)
    {
    }
}
