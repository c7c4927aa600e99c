/**
 * The deterministic reservation engine: all inventory and checkout state, and the one class that
 * changes it, {@link dev.flashsale.engine.Engine}.
 *
 * <h2>Thread</h2>
 * One thread owns an engine: the pipeline's engine thread in a node, the test or tool thread
 * elsewhere. Nothing here locks, reads a clock, does I/O or starts a thread.
 *
 * <h2>One input</h2>
 * <pre>
 * apply(sequence, stampedTimeMs, SBE bytes)
 *   time = max(time, stampedTimeMs)             engine time never goes back
 *   housekeeping                                 expire due holds (&lt;= maxExpiriesPerInput),
 *                                                evict retained checkouts and idempotency keys
 *   decode header, check framing                 malformed: Ack(INVALID_REQUEST)
 *   command handler                              checks in precedence order, then changes state
 *                                                and publishes its events
 *   StockChanged (+ SoldOut) per touched SKU     conservation checked here, every input
 *   the result                                   exactly one, always last
 * </pre>
 *
 * <h2>State, all pre-sized at construction</h2>
 * <ul>
 *   <li>{@code SkuBook}: SKU definitions and counters in parallel arrays; a code index.</li>
 *   <li>{@code CheckoutStore}: checkout slots and their lines; checkout id =
 *       {@code serial << 24 | slot}, so a lookup needs no map.</li>
 *   <li>{@code ExpiryQueue}: live holds in {@code (expiresAt, checkoutId)} order (a heap).</li>
 *   <li>{@code SlotFifo} of terminal checkouts, evicted after {@code checkoutRetentionMs}.</li>
 *   <li>{@code CustomerTable}: per customer, live holds and units held + confirmed per SKU (two
 *       SKUs in the row, more in an overflow {@code CounterTable}).</li>
 *   <li>{@code IdempotencyTable}: outcomes of successful reserves, FIFO by creation time, and
 *       the count of each customer's keys ({@code maxKeysPerCustomer}).</li>
 * </ul>
 * Reaching a capacity is a {@code CAPACITY_EXHAUSTED} result; no collection grows after start.
 *
 * <h2>Determinism</h2>
 * Results never depend on hash-table layout: the only orders that matter (expiry, eviction,
 * free-slot reuse, SKU indexes) are functions of the input history. The state hash and the
 * snapshot ({@code EngineSnapshot}) hash tables as unordered sets, so a restored engine hashes
 * like the original.
 *
 * <p>The protocol (SBE schema {@code sbe/flashsale-protocol.xml}, codecs generated in
 * {@code dev.flashsale.engine.codec}) and the result codes with their precedence are described in
 * docs/PROTOCOL.md.
 */
package dev.flashsale.engine;
