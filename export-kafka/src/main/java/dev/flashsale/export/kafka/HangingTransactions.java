package dev.flashsale.export.kafka;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds and aborts the transactions left open on the exporter's partitions that no transaction
 * coordinator will ever finish ("hanging", in Kafka's words: KIP-664, {@code kafka-transactions.sh
 * find-hanging}).
 *
 * <p>Why they happen: a coordinator that finishes a transaction (after a restart, from its log)
 * while a partition of it has no leader takes the partition for deleted, skips its commit or abort
 * marker, and records the transaction as complete. Seen with Kafka 4.4 on the tests' single broker,
 * stopped or killed right after a commit was acknowledged: every partition was still leaderless
 * when the restarted coordinator sent the markers, so none was written, and the transaction's
 * events and position record stayed open in the logs, invisible to {@code read_committed}. The
 * partition then ends that open range with the next marker it gets for the same producer: the next
 * commit of the exporter made them visible together with the batch it had sent again, the
 * duplicate of issue 11.
 *
 * <p>Called after {@code initTransactions()} returned, so no transaction of this exporter's
 * transactional id is running: whatever it still has open on a partition is hanging. A transaction
 * of another producer is hanging if no coordinator runs a transaction of that producer id on that
 * partition (an earlier producer id of the same transactional id, say); if one does, another
 * producer writes to the exporter's topics, which the exporter cannot export beside: the session
 * fails and is retried after the back-off. Aborting writes an abort marker to the partition (what
 * {@code kafka-transactions.sh abort} does), which needs the ClusterAction permission where ACLs
 * are on; without it the exporter stops and says which command an administrator should run.
 */
final class HangingTransactions
{
    /**
     * An open transaction that was aborted: its first offset, whose it was, and the coordinator
     * epoch the partition last saw in a marker of that producer (an abort marker must not be older).
     */
    record Aborted(TopicPartition partition, long startOffset, long producerId, int producerEpoch, int coordinatorEpoch)
    {
    }

    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final Set<TransactionState> RUNNING = EnumSet.of(TransactionState.ONGOING, TransactionState.PREPARE_COMMIT,
        TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    private HangingTransactions()
    {
    }

    /**
     * @return the transactions aborted, in the order of {@code partitions}; empty when none was open.
     * @throws KafkaException         while Kafka is away, or another producer's transaction is running on a partition.
     * @throws ExportStoppedException if Kafka refuses the abort (permissions).
     */
    static List<Aborted> abortAll(final Admin admin, final Collection<TopicPartition> partitions, final ExportConfig config)
    {
        final Map<TopicPartition, DescribeProducersResult.PartitionProducerState> states =
            get(admin.describeProducers(partitions).all(), config);
        final List<Aborted> open = new ArrayList<>();
        for (final TopicPartition partition : partitions)
        {
            for (final ProducerState producer : states.get(partition).activeProducers())
            {
                if (producer.currentTransactionStartOffset().isPresent())
                {
                    // a producer id new to the partition has seen no marker: 0 is at most any coordinator epoch
                    open.add(new Aborted(partition, producer.currentTransactionStartOffset().getAsLong(), producer.producerId(),
                        producer.producerEpoch(), Math.max(0, producer.coordinatorEpoch().orElse(0))));
                }
            }
        }
        if (open.isEmpty())
        {
            return List.of();
        }
        final Set<Long> producerIds = open.stream().map(Aborted::producerId).collect(Collectors.toSet());
        final Collection<TransactionListing> listings = get(admin.listTransactions(new ListTransactionsOptions()
            .filterProducerIds(producerIds)).all(), config);
        final Map<String, TransactionDescription> running = listings.isEmpty() ? Map.of() :
            get(admin.describeTransactions(listings.stream().map(TransactionListing::transactionalId).toList()).all(), config);
        for (final Aborted candidate : open)
        {
            for (final Map.Entry<String, TransactionDescription> transaction : running.entrySet())
            {
                final TransactionDescription description = transaction.getValue();
                if (description.producerId() == candidate.producerId() && RUNNING.contains(description.state()) &&
                    description.topicPartitions().contains(candidate.partition()))
                {
                    throw new KafkaException("transactional id '" + transaction.getKey() + "' (producer " +
                        candidate.producerId() + ") has a transaction running on " + candidate.partition() + " from offset " +
                        candidate.startOffset() + ": the exporter's topics must be written by this exporter alone, and it " +
                        "cannot tell where its own events end while another producer's transaction holds back what " +
                        "read_committed consumers see");
                }
            }
        }
        LOG.warn("{} transaction(s) open on the exporter's partitions that no coordinator will finish (their commit or " +
            "abort markers were lost, as when a coordinator finds a partition without a leader): {}. Aborting them, so that " +
            "nothing they hold ever becomes visible; the journal's events they held are exported again",
            open.size(), open.stream().map(a -> a.partition() + " from offset " + a.startOffset() + " (producer " +
                a.producerId() + ", epoch " + a.producerEpoch() + ")").collect(Collectors.joining(", ")));
        for (final Aborted hanging : open)
        {
            try
            {
                get(admin.abortTransaction(new AbortTransactionSpec(hanging.partition(), hanging.producerId(),
                    (short)hanging.producerEpoch(), hanging.coordinatorEpoch())).all(), config);
            }
            catch (final ClusterAuthorizationException ex)
            {
                throw new ExportStoppedException("Kafka did not let the exporter abort the hanging transaction on " +
                    hanging.partition() + " from offset " + hanging.startOffset() + " (" + ex.getMessage() + "). Give its " +
                    "principal ClusterAction on the cluster, or have an administrator run: kafka-transactions.sh " +
                    "--bootstrap-server " + config.bootstrap() + " abort --topic " + hanging.partition().topic() +
                    " --partition " + hanging.partition().partition() + " --start-offset " + hanging.startOffset() +
                    "; then start the exporter again", ex);
            }
        }
        return List.copyOf(open);
    }

    private static <T> T get(final KafkaFuture<T> future, final ExportConfig config)
    {
        return ClientProperties.await(future, config, "looking for hanging transactions");
    }
}
