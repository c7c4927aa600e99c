package dev.flashsale.server.cluster;

import dev.flashsale.engine.SkuSnapshot;

import java.util.Map;
import java.util.Set;

/**
 * One member's data directory at the end of the demo, or a running member's up to one input
 * ({@link MemberJournal}).
 *
 * @param member           the member's id.
 * @param inputs           input records in its journal (up to the input it was read to).
 * @param lastSequence     the last input its replayed engine applied.
 * @param journalSha256    SHA-256 over every input record read, hex; null if the journal is damaged.
 * @param stateHash        the engine's state hash after replaying the journal from the first input (to the last read).
 * @param invariantFailure the engine's invariant violation after the replay, or the journal's damage; null if none.
 * @param skus             every SKU's counters after the replay, by code.
 * @param held             checkouts its event journal shows held.
 * @param confirmed        checkouts its event journal shows confirmed.
 * @param released         checkouts its event journal shows released (cancelled).
 */
record MemberReport(int member, long inputs, long lastSequence, String journalSha256, long stateHash, String invariantFailure,
    Map<String, SkuSnapshot> skus, Set<Long> held, Set<Long> confirmed, Set<Long> released)
{
}
