package dev.flashsale.export.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.EventJournalReader;
import dev.flashsale.journal.JournalFiles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The events a journal holds, the events a read_committed consumer sees, and the check that they match. */
final class ExportedEvents
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One event: where it went, under which key, its journal position and type. */
    record Event(String topic, String key, long inputSequence, int index, String type)
    {
        String position()
        {
            return "(" + inputSequence + ", " + index + ")";
        }
    }

    private ExportedEvents()
    {
    }

    /** @return every event of the journal, in journal order, as the exporter would route it. */
    static List<Event> inJournal(final Path data, final String prefix)
    {
        final List<Event> events = new ArrayList<>();
        final EventJson json = new EventJson();
        try (SingleChronicleQueue queue = JournalFiles.openEvents(DataDirectory.openExisting(data), false);
             EventJournalReader reader = new EventJournalReader(queue))
        {
            EventJournalReader.Status status;
            while ((status = reader.next()) == EventJournalReader.Status.RECORD)
            {
                final EventJson.Exported e = json.convert(reader.inputSequence(), reader.eventIndex(), reader.payload(), 0);
                events.add(new Event(prefix + (e.kind() == EventJson.Kind.CHECKOUT ? "checkouts" : "skus"), e.key(),
                    reader.inputSequence(), reader.eventIndex(), e.type()));
            }
            if (status != EventJournalReader.Status.END)
            {
                // a damaged journal: the events before the damage
                return events;
            }
        }
        return events;
    }

    /**
     * Writes every event of {@code from}'s event journal into {@code to}'s (an existing, empty data
     * directory), as the rebuild tool does: the same events at the same positions, byte for byte, in
     * documents cut differently, so at other Chronicle indices. What another cluster member's journal
     * looks like to the exporter.
     */
    static void copyEvents(final Path from, final Path to)
    {
        try (SingleChronicleQueue source = JournalFiles.openEvents(DataDirectory.openExisting(from), false);
             EventJournalReader reader = new EventJournalReader(source);
             SingleChronicleQueue target = JournalFiles.openEvents(DataDirectory.openExisting(to), true);
             JournalFiles.EventSink sink = JournalFiles.eventAppender(target))
        {
            while (reader.next() == EventJournalReader.Status.RECORD)
            {
                final byte[] event = new byte[reader.length()];
                reader.payload().getBytes(0, event);
                sink.append(reader.inputSequence(), event, event.length);
            }
        }
    }

    /** @return what a read_committed consumer reads from both topics, each partition in order. */
    static List<Event> inKafka(final String bootstrap, final String prefix)
    {
        final Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        final List<Event> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties))
        {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final String topic : List.of(prefix + "checkouts", prefix + "skus"))
            {
                for (final PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10)))
                {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)))
            {
                assertThat(System.nanoTime()).as("reading the topics to their end").isLessThan(deadline);
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200)))
                {
                    final JsonNode json = read(record.value());
                    assertThat(json.get("schemaVersion").asInt()).isEqualTo(EventJson.SCHEMA_VERSION);
                    assertThat(new String(record.headers().lastHeader("flashsale-type").value())).isEqualTo(json.get("type").asText());
                    events.add(new Event(record.topic(), record.key(), json.get("inputSequence").asLong(), json.get("index").asInt(),
                        json.get("type").asText()));
                }
            }
        }
        return events;
    }

    /** Asserts that Kafka holds {@code expected} exactly once each, and each key's events in journal order. */
    static void assertExactlyOnceInOrder(final List<Event> expected, final List<Event> inKafka)
    {
        final Map<String, List<String>> expectedByKey = byKey(expected);
        final Map<String, List<String>> actualByKey = byKey(inKafka);
        assertThat(inKafka).as("events in Kafka").hasSize(expected.size());
        assertThat(actualByKey.keySet()).isEqualTo(expectedByKey.keySet());
        for (final Map.Entry<String, List<String>> key : expectedByKey.entrySet())
        {
            assertThat(actualByKey.get(key.getKey())).as("events of " + key.getKey() + ", in order, once each")
                .containsExactlyElementsOf(key.getValue());
        }
    }

    private static Map<String, List<String>> byKey(final List<Event> events)
    {
        final Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (final Event event : events)
        {
            byKey.computeIfAbsent(event.topic() + "/" + event.key(), k -> new ArrayList<>()).add(event.position() + " " + event.type());
        }
        return byKey;
    }

    private static JsonNode read(final String value)
    {
        try
        {
            return MAPPER.readTree(value);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
