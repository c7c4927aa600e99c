package dev.flashsale.export.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * Where a session of the exporter starts, asked of Kafka after {@code initTransactions()}:
 *
 * <ol>
 * <li>Transactions left open on the exporter's partitions that no coordinator will finish are
 *     aborted ({@link HangingTransactions}), so nothing the exporter sent before can become
 *     visible later, when the next marker for its producer reaches such a partition.</li>
 * <li>The stored position is read back ({@link PositionStore}, {@code read_committed}).</li>
 * <li>If an aborted transaction held events at or before that position (its position record got
 *     its marker on one partition, its events lost theirs on another), the export restarts at the
 *     first of them.</li>
 * <li>The events after the restart point that {@code read_committed} consumers already see are
 *     collected ({@link EventTopics}): those the lost markers of a transaction left visible on one
 *     partition while its position record was aborted on another. The exporter skips them.</li>
 * </ol>
 *
 * So what a session sends is exactly the journal's events after the restart point that are not in
 * the topics yet, whatever part of the last transactions Kafka kept.
 */
final class Resume
{
    /**
     * @param stored        the position read back.
     * @param restartAt     the first event to export again, at or before {@code stored}; null to
     *                      continue just after {@code stored}.
     * @param alreadyInKafka events after the restart point that the topics hold committed, by position.
     * @param aborted       the hanging transactions aborted.
     */
    record Plan(ExportPosition stored, JournalPosition restartAt, TreeMap<JournalPosition, EventTopics.InKafka> alreadyInKafka,
        List<HangingTransactions.Aborted> aborted)
    {
        /** @return the bound the events to send come after. */
        JournalPosition after()
        {
            return restartAt == null ? JournalPosition.of(stored) : restartAt.justBefore();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Resume.class);

    private final ExportConfig config;
    private final PositionStore positions;
    private final EventTopics eventTopics;
    private final ExporterMetrics metrics;

    Resume(final ExportConfig config, final PositionStore positions, final ExporterMetrics metrics)
    {
        this.config = config;
        this.positions = positions;
        this.metrics = metrics;
        this.eventTopics = new EventTopics(config);
    }

    /**
     * Call after {@code initTransactions()} returned, before anything is sent.
     *
     * @throws org.apache.kafka.common.KafkaException while Kafka is away (a retry later may succeed).
     * @throws IllegalStateException the topics hold what this exporter cannot have written (see the message).
     */
    Plan plan(final Admin admin)
    {
        final List<TopicPartition> eventPartitions = eventTopics.partitions(admin);
        final List<TopicPartition> all = new ArrayList<>(eventPartitions);
        all.add(positions.partition());
        final List<HangingTransactions.Aborted> aborted = HangingTransactions.abortAll(admin, all, config);
        metrics.hangingTransactionsAborted.addAndGet(aborted.size()); // now: a later step may fail, the next session finds none
        final ExportPosition stored = positions.read();
        final List<JournalPosition> abortedEvents = new ArrayList<>();
        for (final HangingTransactions.Aborted transaction : aborted)
        {
            if (!transaction.partition().equals(positions.partition()))
            {
                abortedEvents.add(eventTopics.eventAt(transaction.partition(), transaction.startOffset()));
            }
        }
        final JournalPosition restartAt = restartAt(stored, abortedEvents);
        final Plan plan = new Plan(stored, restartAt, null, aborted);
        final TreeMap<JournalPosition, EventTopics.InKafka> alreadyInKafka = eventTopics.committedAfter(plan.after(),
            eventPartitions, Math.max(10_000, 10 * config.batchEvents()));
        if (restartAt != null)
        {
            LOG.warn("events from {} on, which the stored position {} counts as exported, were in a transaction aborted " +
                "above: exporting again from {} ({} of the events after it are in Kafka and are skipped)", restartAt, stored,
                restartAt, alreadyInKafka.size());
        }
        else if (!alreadyInKafka.isEmpty())
        {
            LOG.warn("{} events after the stored position {} are committed in Kafka although the position record of " +
                "their transaction is not (its markers were lost on some partitions): they are skipped, the others sent",
                alreadyInKafka.size(), stored);
        }
        return new Plan(stored, restartAt, alreadyInKafka, aborted);
    }

    /**
     * @param abortedEvents the first events of the aborted transactions on the event topics.
     * @return the earliest of them that {@code stored} counts as exported, or null if none: what
     *         was aborted after {@code stored} is sent anyway.
     */
    static JournalPosition restartAt(final ExportPosition stored, final Collection<JournalPosition> abortedEvents)
    {
        final JournalPosition storedPosition = JournalPosition.of(stored);
        JournalPosition earliest = null;
        for (final JournalPosition event : abortedEvents)
        {
            if (!event.isAfter(storedPosition) && (earliest == null || event.compareTo(earliest) < 0))
            {
                earliest = event;
            }
        }
        return earliest;
    }
}
