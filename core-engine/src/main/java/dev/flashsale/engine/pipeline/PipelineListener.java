package dev.flashsale.engine.pipeline;

/** Hears how a pipeline ends. Called on the thread where it happened; must not block. */
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
}
