package dev.flashsale.engine.pipeline;

/**
 * A stage that sees every input before the engine decides it (the journaller, the replicator).
 * Input stages run in parallel, each on its own thread; the engine waits for all of them, so
 * nothing is decided before every input stage has seen it.
 */
public interface InputStage extends PipelineStage<InputSlot>
{
}
