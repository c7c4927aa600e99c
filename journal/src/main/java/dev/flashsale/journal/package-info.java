/**
 * The journal: what makes the single-node core durable, and what engineers replay.
 *
 * <p>Pieces, and the thread each runs on:
 * <ul>
 *   <li>{@link dev.flashsale.journal.Journaller}, an input stage on its own pipeline thread, gates
 *       the engine: a batch of inputs becomes one Chronicle document of {@link dev.flashsale.journal.InputRecord}s
 *       (our sequence and CRC32C on each), appended, forced to disk with {@code journal.sync=batch},
 *       and marked in {@code inputs.watermark} before the engine may decide any of them.</li>
 *   <li>{@link dev.flashsale.journal.EventWriter}, an output stage, appends every event with its
 *       position {@code (input sequence, index)} to the event journal and marks the last input whose
 *       events are complete. The events are derived data: recovery and
 *       {@code journal rebuild-events} regenerate them from the inputs.</li>
 *   <li>{@link dev.flashsale.journal.Snapshotter}, thread {@code flashsale-snapshotter}, runs a shadow
 *       engine over the input journal and writes its state through {@link dev.flashsale.journal.SnapshotStore};
 *       the live engine never pauses for a snapshot.</li>
 *   <li>{@link dev.flashsale.journal.Recovery}, on the starting thread, under the node lock: newest usable
 *       snapshot, replay of the inputs after it through {@link dev.flashsale.journal.JournalReplay}, events
 *       regenerated where the event journal lacks them, watermark checks, the full invariant check.</li>
 *   <li>{@link dev.flashsale.journal.NodeJournal} ties them to a {@link dev.flashsale.journal.DataDirectory};
 *       {@code dev.flashsale.journal.tools} holds the {@code flashsale journal} tools.</li>
 * </ul>
 *
 * <p>Chronicle Queue does not detect torn or truncated files, and its msync only logs failures,
 * so this package checks for itself: every record's checksum and sequence on every read, the
 * watermarks against each journal's end, and {@code FileChannel.force} for the durable mode.
 * docs/JOURNAL.md is the operator's guide.
 *
 * <p>The data directory is private to the node's user ({@link dev.flashsale.journal.OwnerOnly}): directories
 * {@code rwx------}, the node's own files {@code rw-------}; Chronicle's files, created with the umask, are
 * out of other users' reach because their directory is.
 */
package dev.flashsale.journal;
