/**
 * The pipeline: rings and threads around the single-threaded engine.
 *
 * <pre>
 * producers (gateway event loops, ticker, demo, benchmarks)
 *    |  Pipeline.tryPublish: tryNext() on the ring; full ring = RING_FULL at once, never blocks;
 *    |  stamps input sequence (base + ring sequence + 1) and engine time (the NodeClock, read once)
 *    v
 * INPUT RING  (multi-producer, InputSlot: sequence, time, correlation, SBE bytes)
 *    |-- InputStage "journaller" ...   every input stage sees the batch before the engine
 *    v   (the engine is gated on every input stage: nothing is decided before they saw it)
 * ENGINE STAGE  (Engine.apply, one input at a time, on "flashsale-engine", "flashsale-core" or an event loop)
 *    v
 * OUTPUT RING (single producer, OutputSlot: one event or result, with its input's correlation;
 *              on the core thread one reused slot handed straight on)
 *    |-- OutputStage "event-writer", "responder" ...   every output stage sees every message
 * </pre>
 *
 * <h2>Threads: three layouts of the same stages</h2>
 * The stages, their order and every guarantee are the same in each; {@link
 * dev.flashsale.engine.pipeline.ThreadLayout} chooses how many threads run them
 * ({@code pipeline.thread-layout}, by default from the machine's cores).
 *
 * <pre>
 * EVENT_LOOP (fewer than 8 cores, journal not forced: the node's default here)
 *   the gateway's event loop reads a batch of requests, publishes each (tryPublishDeferringWakeUp),
 *   then wakeUp() on the loop runs the CORE_THREAD work below inline, on the loop, over what the ring
 *   holds; the answers are queued on the same loop. Any other publisher (the ticker, a second
 *   event loop) hands the loop one drain task (Pipeline.runOn gave the pipeline the loop).
 *
 * CORE_THREAD (fewer than 8 cores, journal forced each batch; any pipeline not given a loop)
 *   publishers --tryPublish--&gt; INPUT RING --one batch--&gt; thread "flashsale-core":
 *       for each input of the batch: every input stage (journaller: gathers, appends, syncs at the batch end)
 *       then for each input of the batch: engine.apply, each output message straight to every output stage
 *       (event writer, responder) in one reused slot; the batch's last result carries endOfBatch
 *
 * THREAD_PER_STAGE (8 cores or more)
 *   publishers --&gt; INPUT RING --&gt; input stages, a thread each --&gt; engine thread --&gt; OUTPUT RING --&gt;
 *       output stages, a thread each (the picture above)
 * </pre>
 *
 * On two cores, a thread per stage made every request cross four threads that mostly waited for
 * each other (docs/BENCHMARKS.md has the profile); on the core thread a request crosses one
 * thread boundary in (the ring) and one out (the responder's hand-back to the event loop), each
 * paid once per batch, not per request; on the event loop it crosses none, and the loop reads no
 * requests while it runs the stages (microseconds a batch; a forced journal would make that a
 * disk's sync, hence the core thread for {@code journal.sync=batch}). The core thread's batch is journaled before any of it
 * is decided, as the engine's gate on the input stages' sequences guarantees in the other layout.
 * Besides: the ticker ({@code flashsale-ticker}). Each consumer waits with the configured wait
 * strategy ({@link dev.flashsale.engine.pipeline.WaitStrategyKind}); the default spins a few
 * microseconds and then blocks until a publisher signals, so no core is taken while the ring is
 * empty and a burst of publishes costs one wake-up.
 *
 * <h2>Time and ticks</h2>
 * Engine time is stamped at publication by the {@link dev.flashsale.engine.pipeline.NodeClock}:
 * the wall clock read at start, then advanced by the monotonic clock, following the wall clock's
 * corrections only up to {@code pipeline.max-clock-step-ms} at once. A step of the wall clock
 * reaches the journal and the engine only up to that bound, and a replay sees the stamps the node
 * made.
 * The ticker publishes a {@code Tick} only when the engine
 * has housekeeping due ({@code Engine#nextHousekeepingAtMs}, published by the engine thread after
 * each batch): holds expire within one tick interval of their time without traffic, and an idle
 * node journals nothing.
 *
 * <h2>Backpressure</h2>
 * Producers never wait: a full input ring is reported at once. With a thread per stage the engine
 * waits for output-ring space, so slow output stages fill the input ring; on the core thread a
 * slow output stage slows the thread itself. Either way producers see RING_FULL.
 *
 * <h2>Failure and shutdown</h2>
 * An exception in any stage stops the whole pipeline: the failing input is not skipped, intake
 * stops (NOT_RUNNING), every processor halts and the listener hears why. An orderly
 * {@link dev.flashsale.engine.pipeline.Pipeline#close()} stops intake, waits until every
 * published input has passed the engine and every output has passed every output stage, then
 * halts the threads.
 */
package dev.flashsale.engine.pipeline;
