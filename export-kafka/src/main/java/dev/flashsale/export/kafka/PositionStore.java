package dev.flashsale.export.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The exporter's position, kept in Kafka itself: one record per transaction, on a compacted
 * one-partition topic, keyed by the transactional id, written in the same transaction as the
 * events it counts. So a committed position and its events are visible together or not at all,
 * and the position read back with {@code read_committed} after {@code initTransactions()} (which
 * finishes or aborts whatever the previous incarnation left open) is exactly where the export
 * stands.
 */
final class PositionStore
{
    private static final JsonFactory JSON = new JsonFactory();

    private final String topic;
    private final String key;
    private final Properties consumerProperties;
    private final Duration timeout;

    PositionStore(final ExportConfig config)
    {
        this.topic = config.topic(config.positionsTopic());
        this.key = config.transactionalId();
        this.timeout = Duration.ofMillis(config.kafkaTimeoutMs());
        consumerProperties = new Properties();
        consumerProperties.putAll(config.kafkaProperties());
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProperties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProperties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-position-reader");
        consumerProperties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(config.kafkaTimeoutMs()));
        consumerProperties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.max(1_000, config.kafkaTimeoutMs() / 2)));
    }

    String topic()
    {
        return topic;
    }

    /**
     * Reads the committed position of this exporter: the last record under its key up to the last
     * stable offset. Call after {@code initTransactions()}.
     *
     * @throws org.apache.kafka.common.KafkaException (a timeout among them) while the broker is away.
     */
    ExportPosition read()
    {
        final TopicPartition partition = new TopicPartition(topic, 0);
        ExportPosition position = ExportPosition.START;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties))
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition), timeout).get(partition); // the LSO under read_committed
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new org.apache.kafka.common.errors.TimeoutException("reading " + topic + " did not reach offset " + end +
                        " in " + timeout.toMillis() + " ms");
                }
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200)))
                {
                    if (key.equals(record.key()) && record.value() != null)
                    {
                        position = decode(record.value(), record.offset());
                    }
                }
            }
        }
        return position;
    }

    /** @return the record that stores {@code position}; send it in the transaction of the events it counts. */
    ProducerRecord<String, byte[]> record(final ExportPosition position)
    {
        return new ProducerRecord<>(topic, 0, key, encode(position));
    }

    static byte[] encode(final ExportPosition position)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(out))
        {
            json.writeStartObject();
            json.writeNumberField("version", 1);
            json.writeNumberField("inputSequence", position.inputSequence());
            json.writeNumberField("index", position.index());
            json.writeNumberField("chronicleIndex", position.chronicleIndex());
            json.writeNumberField("exportedEvents", position.exportedEvents());
            json.writeNumberField("eventCrc32c", position.eventChecksum());
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    static ExportPosition decode(final byte[] value, final long offset)
    {
        final Map<String, Long> fields = new java.util.HashMap<>();
        try (JsonParser json = JSON.createParser(value))
        {
            if (json.nextToken() != JsonToken.START_OBJECT)
            {
                throw new IllegalStateException("not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = json.currentName();
                json.nextToken();
                fields.put(name, json.getLongValue());
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new IllegalStateException("the exporter's position at offset " + offset + " cannot be read (" + ex.getMessage() +
                "): " + new String(value, StandardCharsets.UTF_8), ex);
        }
        if (fields.getOrDefault("version", 0L) != 1 || !fields.keySet().containsAll(List.of("inputSequence", "index",
            "chronicleIndex", "exportedEvents", "eventCrc32c")))
        {
            throw new IllegalStateException("the exporter's position at offset " + offset + " is not of version 1: " +
                new String(value, StandardCharsets.UTF_8));
        }
        return new ExportPosition(fields.get("inputSequence"), Math.toIntExact(fields.get("index")), fields.get("chronicleIndex"),
            fields.get("exportedEvents"), fields.get("eventCrc32c"));
    }
}
