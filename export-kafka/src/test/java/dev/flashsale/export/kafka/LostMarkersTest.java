package dev.flashsale.export.kafka;

import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.EventJournalReader;
import dev.flashsale.journal.JournalFiles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exporter resumes exactly once after Kafka lost the commit markers of its last transaction on
 * some partitions: the case behind issue 11, made on purpose instead of by a lucky kill. A cluster
 * of two nodes (node 1 also the controller and the transaction coordinator); the event topics have
 * a partition on each node. One batch is sent as the exporter sends it (its events and its position
 * in one transaction) by a producer with the exporter's transactional id; node 2 is stopped (its
 * partitions lose their leader), the transaction is committed, node 2 is started again. Kafka 4.4's
 * coordinator then writes the commit markers on node 1 and skips those of the leaderless partitions
 * ("likely deleted"): their share of the batch stays in an open transaction no coordinator will
 * finish. The exporter, started after, must abort that share and send exactly the events that are
 * not visible, whichever side the position record ended on.
 */
@Tag("slow")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
final class LostMarkersTest
{
    private static final int BATCH = 50;

    // a failing test leaves the brokers' logs behind
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path clusterDirectory;
    private static KafkaBroker first;
    private static KafkaBroker second;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @BeforeAll
    static void startCluster() throws Exception
    {
        first = new KafkaBroker(java.nio.file.Files.createDirectories(clusterDirectory.resolve("node-1")));
        first.start();
        // the coordinator's topic is made on first use: on node 1, which no test stops, as long as node 2 is not there yet
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties("setup")))
        {
            producer.initTransactions();
        }
        second = KafkaBroker.joining(java.nio.file.Files.createDirectories(clusterDirectory.resolve("node-2")), first, 2);
        second.start();
    }

    @AfterAll
    static void stopCluster()
    {
        if (second != null)
        {
            second.close();
        }
        if (first != null)
        {
            first.close();
        }
    }

    @Test
    void markersLostOnTheEventPartitionsOfANodeMakeTheExporterSendThoseEventsAgainAndOnlyThose() throws Exception
    {
        // the position record's partition is on node 1: it commits, and so claims events whose markers were lost
        // (the export restarts at the batch's first event on node 2; the events of node 1 after it are skipped)
        final Outcome outcome = loseMarkersOfOneBatch("events-lost.", 1);
        final List<Integer> nodes = outcome.nodesOfBatch;
        final long skipped = nodes.subList(nodes.indexOf(2), nodes.size()).stream().filter(n -> n == 1).count();
        assertThat(outcome.metrics).contains("flashsale_export_hanging_transactions_aborted_total " + outcome.lostPartitions,
            "flashsale_export_skipped_events_total " + skipped);
    }

    @Test
    void markersLostOnThePositionPartitionMakeTheExporterSkipTheEventsThatCommittedAndSendTheRest() throws Exception
    {
        // the position record's partition is on node 2: it stays open, so the stored position is the one before the batch
        final Outcome outcome = loseMarkersOfOneBatch("position-lost.", 2);
        assertThat(outcome.metrics).contains("flashsale_export_hanging_transactions_aborted_total " + (outcome.lostPartitions + 1),
            "flashsale_export_skipped_events_total " + outcome.nodesOfBatch.stream().filter(n -> n == 1).count());
    }

    /** @param nodesOfBatch for each event of the batch whose markers were lost, in journal order, the node it went to. */
    private record Outcome(String metrics, int lostPartitions, List<Integer> nodesOfBatch)
    {
    }

    private Outcome loseMarkersOfOneBatch(final String prefix, final int positionsNode) throws Exception
    {
        final Path data = work.resolve("node");
        final ExportConfig config = config(data, prefix);
        try (SaleNode node = new SaleNode(data))
        {
            node.sale(11, 4, 300, 300, 1);
            createTopics(prefix, positionsNode);
            final KafkaExporter before = new KafkaExporter(config);
            final CompletableFuture<Void> running = CompletableFuture.runAsync(before::run);
            final long firstSale = ExportedEvents.inJournal(data, prefix).size();
            awaitExported(before, running, firstSale);
            assertThat(before.stop(30_000)).isTrue();
            running.get(5, TimeUnit.SECONDS);
            node.sale(12, 4, 300, 300, 10_000);
        }
        final List<ExportedEvents.Event> expected = ExportedEvents.inJournal(data, prefix);

        final List<Integer> nodesOfBatch = sendOneBatchAndLoseItsMarkersOnNode2(config);
        assertThat(nodesOfBatch).as("the batch has events on both nodes' partitions").contains(1, 2);
        final List<TopicPartition> open = openTransactions(prefix);
        assertThat(open).as("Kafka left the batch open on node 2's partitions: if not, the coordinator's handling of " +
            "leaderless partitions changed and this test no longer makes the case it is about (HangingTransactions)")
            .isNotEmpty().allMatch(p -> p.partition() == 1 || p.topic().endsWith("positions"));
        final int lostEventPartitions = (int)open.stream().filter(p -> !p.topic().endsWith("positions")).count();

        final KafkaExporter exporter = new KafkaExporter(config);
        final CompletableFuture<Void> running = CompletableFuture.runAsync(exporter::run);
        awaitExported(exporter, running, expected.size());
        assertThat(exporter.stop(30_000)).isTrue();
        running.get(5, TimeUnit.SECONDS);
        ExportedEvents.assertExactlyOnceInOrder(expected, ExportedEvents.inKafka(bootstrap(), prefix));
        assertThat(openTransactions(prefix)).as("nothing left open").isEmpty();
        return new Outcome(exporter.metricsText(), lostEventPartitions, nodesOfBatch);
    }

    /**
     * Sends the next {@link #BATCH} events after the stored position and the position after them in
     * one transaction, as the exporter does; stops node 2 before committing.
     *
     * @return for each event of the batch, the node of the partition it went to.
     */
    private List<Integer> sendOneBatchAndLoseItsMarkersOnNode2(final ExportConfig config) throws Exception
    {
        final PositionStore positions = new PositionStore(config);
        final ExportPosition stored = positions.read();
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(config.transactionalId())))
        {
            producer.initTransactions();
            producer.beginTransaction();
            final EventJson json = new EventJson();
            ExportPosition last = stored;
            try (SingleChronicleQueue queue = JournalFiles.openEvents(DataDirectory.openExisting(config.dataDirectory()), false);
                 EventJournalReader reader = new EventJournalReader(queue))
            {
                while (sent.size() < BATCH && reader.next() == EventJournalReader.Status.RECORD)
                {
                    if (!stored.isBefore(reader.inputSequence(), reader.eventIndex()))
                    {
                        continue;
                    }
                    final EventJson.Exported event = json.convert(reader.inputSequence(), reader.eventIndex(), reader.payload(), 0);
                    final RecordHeaders headers = new RecordHeaders();
                    headers.add("flashsale-schema", Integer.toString(EventJson.SCHEMA_VERSION).getBytes(StandardCharsets.US_ASCII));
                    headers.add("flashsale-type", event.type().getBytes(StandardCharsets.US_ASCII));
                    final String topic = config.topic(event.kind() == EventJson.Kind.CHECKOUT ? config.checkoutsTopic() :
                        config.skusTopic());
                    sent.add(producer.send(new ProducerRecord<>(topic, null, event.key(), event.json(), headers)));
                    last = new ExportPosition(reader.inputSequence(), reader.eventIndex(), reader.index(),
                        last.exportedEvents() + 1, ExportPosition.checksum(new CRC32C(), reader.payload(), 0, reader.length()));
                }
            }
            assertThat(sent).as("events after the first sale").hasSize(BATCH);
            producer.send(positions.record(last));
            producer.flush(); // the batch is in the partitions' logs, in an open transaction
            second.stop(false); // SIGTERM: a clean shutdown; node 2's partitions (one replica each) lose their leader
            producer.commitTransaction(); // the coordinator on node 1 accepts the commit and sends the markers it can
        }
        second.start();
        final List<Integer> nodes = new ArrayList<>();
        for (final Future<RecordMetadata> record : sent)
        {
            nodes.add(record.get().partition() == 0 ? 1 : 2);
        }
        return nodes;
    }

    /** @return the partitions of the exporter's topics on which some producer has a transaction open. */
    private static List<TopicPartition> openTransactions(final String prefix) throws Exception
    {
        final List<TopicPartition> partitions = List.of(new TopicPartition(prefix + "checkouts", 0),
            new TopicPartition(prefix + "checkouts", 1), new TopicPartition(prefix + "skus", 0),
            new TopicPartition(prefix + "skus", 1), new TopicPartition(prefix + "exporter-positions", 0));
        final List<TopicPartition> open = new ArrayList<>();
        try (Admin admin = Admin.create(adminProperties()))
        {
            admin.describeProducers(partitions).all().get(30, TimeUnit.SECONDS).forEach((partition, state) ->
            {
                if (state.activeProducers().stream().map(ProducerState::currentTransactionStartOffset).anyMatch(o -> o.isPresent()))
                {
                    open.add(partition);
                }
            });
        }
        return open;
    }

    /** Partition 0 of each event topic on node 1, partition 1 on node 2; the position topic on {@code positionsNode}. */
    private static void createTopics(final String prefix, final int positionsNode) throws Exception
    {
        try (Admin admin = Admin.create(adminProperties()))
        {
            final Map<Integer, List<Integer>> spread = Map.of(0, List.of(1), 1, List.of(2));
            admin.createTopics(List.of(new NewTopic(prefix + "checkouts", spread), new NewTopic(prefix + "skus", spread),
                new NewTopic(prefix + "exporter-positions", Map.of(0, List.of(positionsNode)))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static ExportConfig config(final Path data, final String prefix)
    {
        final ExportConfig d = ExportConfig.defaults(data, bootstrap());
        return new ExportConfig(data, bootstrap(), prefix, d.checkoutsTopic(), d.skusTopic(), d.positionsTopic(),
            prefix + "exporter", 2, d.replicationFactor(), BATCH, 5_000, 10_000, 100, 1_000, -1, 2_000, Map.of());
    }

    private static String bootstrap()
    {
        return first.bootstrap() + "," + second.bootstrap();
    }

    private static Properties adminProperties()
    {
        final Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrap());
        return properties;
    }

    private static Properties producerProperties(final String transactionalId)
    {
        final Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrap());
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return properties;
    }

    private static void awaitExported(final KafkaExporter exporter, final CompletableFuture<Void> running, final long events)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (exporter.exported().exportedEvents() < events)
        {
            if (running.isDone())
            {
                running.get();
                throw new AssertionError("the exporter stopped before " + events + " events were exported");
            }
            assertThat(System.nanoTime()).as("waiting for " + events + " events exported").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
