/**
 * The journal: what makes the single-node core durable and what engineers replay.
 *
 * <p>Will own (see the journal issue and docs/DESIGN.md): the input journal, a journaller stage on
 * the input ring that appends every input (sequence, engine time, SBE bytes, our own checksum) to a
 * Chronicle Queue before the engine decides it and flushes at end of batch; the event journal,
 * written by an output-ring stage and tailed by the read services; snapshots of engine state
 * ({@code Engine#writeSnapshot}) with retention; start-up recovery; and the
 * {@code flashsale journal dump|replay|verify|stats} tools. Threads: the journaller and event
 * writer stages run on their own named pipeline threads.
 *
 * <p>Nothing here yet: the engine and its pipeline landed first, with plug points for these
 * stages ({@code dev.flashsale.engine.pipeline.InputStage}, {@code OutputStage}).
 */
package dev.flashsale.journal;
