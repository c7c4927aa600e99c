package dev.flashsale.export.kafka;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the exporter counts, written by its one thread and read by the metrics endpoint and the
 * progress log. Rendered in the Prometheus text format, base units, every series present from 0.
 */
final class ExporterMetrics
{
    final AtomicLong checkoutEvents = new AtomicLong();
    final AtomicLong skuEvents = new AtomicLong();
    final AtomicLong transactions = new AtomicLong();
    final AtomicLong brokerFailures = new AtomicLong();
    final AtomicLong hangingTransactionsAborted = new AtomicLong();
    final AtomicLong skippedEvents = new AtomicLong();
    volatile long exportedInputSequence;
    volatile long exportedEventsTotal;
    volatile long journalInputSequence;
    volatile boolean connected;
    volatile long lastCommitEpochMs;

    long lagInputs()
    {
        return Math.max(0, journalInputSequence - exportedInputSequence);
    }

    void render(final StringBuilder out)
    {
        counter(out, "flashsale_export_events_total",
            "Events committed to Kafka by this exporter process, by topic kind.", null);
        out.append("flashsale_export_events_total{kind=\"checkout\"} ").append(checkoutEvents.get()).append('\n');
        out.append("flashsale_export_events_total{kind=\"sku\"} ").append(skuEvents.get()).append('\n');
        counter(out, "flashsale_export_transactions_total", "Kafka transactions committed by this exporter process.",
            transactions.get());
        counter(out, "flashsale_export_broker_failures_total",
            "Kafka calls that failed or timed out; each one makes the exporter back off and reconnect.", brokerFailures.get());
        counter(out, "flashsale_export_hanging_transactions_aborted_total", "Transactions found open on the exporter's " +
            "partitions that no coordinator would finish (a lost marker), aborted by the exporter at a session's start.",
            hangingTransactionsAborted.get());
        counter(out, "flashsale_export_skipped_events_total", "Events found committed in Kafka after the stored position at " +
            "a session's start (a lost marker of the position's partition), not sent again.", skippedEvents.get());
        gauge(out, "flashsale_export_connected", "1 while the exporter holds a working transactional producer, else 0.",
            connected ? 1 : 0);
        gauge(out, "flashsale_export_journal_input_sequence", "Input sequence of the last event in the event journal.",
            journalInputSequence);
        gauge(out, "flashsale_export_exported_input_sequence", "Input sequence of the last event committed to Kafka.",
            exportedInputSequence);
        gauge(out, "flashsale_export_lag_inputs",
            "Inputs whose events are in the journal but not yet committed to Kafka (journal minus exported).", lagInputs());
        gauge(out, "flashsale_export_exported_events", "Events committed to Kafka by every incarnation of this exporter " +
            "(from its stored position).", exportedEventsTotal);
        gauge(out, "flashsale_export_last_commit_timestamp_seconds", "When the last transaction committed, Unix time; 0 before.",
            lastCommitEpochMs / 1000.0);
    }

    private static void counter(final StringBuilder out, final String name, final String help, final Long value)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        if (value != null)
        {
            out.append(name).append(' ').append(value).append('\n');
        }
    }

    private static void gauge(final StringBuilder out, final String name, final String help, final double value)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
        out.append('\n');
    }
}
