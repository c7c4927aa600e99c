/**
 * The pipeline: rings and threads around the single-threaded engine.
 *
 * <pre>
 * producers (gateway event loops, ticker, demo, benchmarks)
 *    |  Pipeline.tryPublish: tryNext() on the ring; full ring = RING_FULL at once, never blocks;
 *    |  stamps input sequence (base + ring sequence + 1) and engine time (the clock, read once)
 *    v
 * INPUT RING  (multi-producer, InputSlot: sequence, time, correlation, SBE bytes)
 *    |-- InputStage "journaller" ...   all input stages run in parallel, one thread each
 *    v   (the engine is gated on every input stage: nothing is decided before they saw it)
 * ENGINE STAGE  (thread "flashsale-engine": Engine.apply, one input at a time)
 *    v
 * OUTPUT RING (single producer, OutputSlot: one event or result, with its input's correlation)
 *    |-- OutputStage "responder", "event-writer" ...   in parallel, one thread each
 * </pre>
 *
 * <h2>Threads</h2>
 * One named thread per stage ({@code flashsale-<stage>}), the engine thread, and the ticker
 * ({@code flashsale-ticker}). Each waits with the ring's configured wait strategy
 * ({@link dev.flashsale.engine.pipeline.WaitStrategyKind}); the defaults sleep when idle so a
 * 2-core machine keeps a core for the gateway.
 *
 * <h2>Time and ticks</h2>
 * Engine time is stamped at publication. The ticker publishes a {@code Tick} only when the engine
 * has housekeeping due ({@code Engine#nextHousekeepingAtMs}, published by the engine thread after
 * each batch): holds expire within one tick interval of their time without traffic, and an idle
 * node journals nothing.
 *
 * <h2>Backpressure</h2>
 * Producers never wait: a full input ring is reported at once. The engine waits for output-ring
 * space, so slow output stages fill the input ring and producers see RING_FULL.
 *
 * <h2>Failure and shutdown</h2>
 * An exception in any stage stops the whole pipeline: the failing input is not skipped, intake
 * stops (NOT_RUNNING), every processor halts and the listener hears why. An orderly
 * {@link dev.flashsale.engine.pipeline.Pipeline#close()} stops intake, waits until every
 * published input has passed the engine and every output has passed every output stage, then
 * halts the threads.
 */
package dev.flashsale.engine.pipeline;
