/**
 * The event export to Kafka: tails a node's event journal and publishes every event, in journal
 * order, as versioned JSON (docs/EVENTS.md) to one topic per kind, keyed by checkout id or SKU
 * code. Exactly once for {@code read_committed} consumers: each batch of events and the journal
 * position after it are written in one Kafka transaction, and a (re)started exporter reads that
 * position back before it sends anything. Depends on the journal (the reader and its checks) and
 * the engine's codecs; nothing depends on it but the server's command.
 *
 * <p>Threads: the thread that calls {@link dev.flashsale.export.kafka.KafkaExporter#run} does
 * everything (opens and reads the journal, whose Chronicle tailer is single-threaded, converts,
 * sends, commits, backs off); Kafka's producer has its own network thread, and {@code /metrics} one
 * daemon thread that reads the counters. {@code stop} may come from any thread (a shutdown hook).
 * It is not on any hot path: it runs in its own process, beside the node.
 */
package dev.flashsale.export.kafka;
