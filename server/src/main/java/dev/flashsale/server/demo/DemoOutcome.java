package dev.flashsale.server.demo;

import dev.flashsale.engine.EngineStats;
import dev.flashsale.engine.SkuSnapshot;
import dev.flashsale.engine.pipeline.PipelineConfig;

/**
 * Everything a demo run measured, read after the pipeline stopped.
 *
 * @param sku                 the SKU as the engine holds it at the end.
 * @param appliedInputs       inputs the engine applied (ticks included).
 * @param reservesPublished   reserve attempts published, retries included.
 * @param followUpsPublished  confirms and cancels published.
 * @param ringFullRetries     times a producer found the input ring full and tried again.
 * @param offeredNanos        time to publish every attempt.
 * @param elapsedNanos        time from the first attempt to the final counters.
 * @param drained             true if the pipeline drained on shutdown.
 * @param failure             why the pipeline failed, or null.
 * @param invariantViolation  the first broken engine invariant, or null.
 */
record DemoOutcome(
    DemoScenario scenario,
    DemoObserver observer,
    SkuSnapshot sku,
    EngineStats stats,
    long stateHash,
    long appliedInputs,
    long reservesPublished,
    long followUpsPublished,
    long ringFullRetries,
    long offeredNanos,
    long elapsedNanos,
    boolean drained,
    String failure,
    String invariantViolation,
    PipelineConfig pipelineConfig)
{
}
