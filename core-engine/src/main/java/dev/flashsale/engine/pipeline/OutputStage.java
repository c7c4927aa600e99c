package dev.flashsale.engine.pipeline;

/**
 * A consumer of the engine's output (the responder, the event writer): one event or result per
 * slot. Output stages run in parallel, each on its own thread, and every one sees every message;
 * the engine waits for the slowest when the output ring is full.
 */
public interface OutputStage extends PipelineStage<OutputSlot>
{
}
