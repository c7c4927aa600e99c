/**
 * The event export to Kafka: tails a node's event journal and publishes every event, in journal
 * order, as versioned JSON (docs/EVENTS.md) to one topic per kind, keyed by checkout id or SKU
 * code. Depends on the journal (the reader and its checks) and the engine's codecs; nothing depends
 * on it but the server's command.
 *
 * <p><b>Exactly once for {@code read_committed} consumers.</b> Each batch of events and the
 * journal position after it are written in one Kafka transaction ({@link
 * dev.flashsale.export.kafka.KafkaExporter}, {@link dev.flashsale.export.kafka.PositionStore}).
 * Every session (at start, and after every Kafka failure) first asks Kafka where it stands
 * ({@link dev.flashsale.export.kafka.Resume}): {@code initTransactions()} fences earlier producers
 * of the id and finishes their last transaction; transactions left open on the exporter's
 * partitions that no coordinator will finish are aborted ({@link
 * dev.flashsale.export.kafka.HangingTransactions}: Kafka 4.4 loses the markers of a transaction it
 * finishes while a partition has no leader, as after a broker restart, and the next marker would
 * otherwise make them visible beside the batch sent again); the stored position is read and
 * reconciled with what the event topics show ({@link dev.flashsale.export.kafka.EventTopics}):
 * restart before it if an aborted transaction held events it counts, skip the events after it
 * that are visible. So a session sends exactly the journal's events that consumers do not see yet.
 * Each partition holds its events in journal order and each event carries its position, which is
 * what makes the topics readable back that way.
 *
 * <p>Threads: the thread that calls {@link dev.flashsale.export.kafka.KafkaExporter#run} does
 * everything (opens and reads the journal, whose Chronicle tailer is single-threaded, plans the
 * session, converts, sends, commits, backs off); Kafka's clients have their own network threads,
 * and {@code /metrics} one daemon thread that reads the counters. {@code stop} may come from any
 * thread (a shutdown hook). It is not on any hot path: it runs in its own process, beside the node.
 */
package dev.flashsale.export.kafka;
