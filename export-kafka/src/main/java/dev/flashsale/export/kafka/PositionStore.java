package dev.flashsale.export.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

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
 * as long as Kafka writes every marker of the transaction. When it does not (a marker lost, see
 * {@link HangingTransactions}), the position read back and the events visible can disagree about
 * the last transaction; {@link Resume} reconciles them, with this position as its starting point.
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
        consumerProperties = ClientProperties.consumer(config, "read_committed", "-position-reader");
    }

    String topic()
    {
        return topic;
    }

    /** @return the partition the positions are written to and read from (partition 0 of the position topic). */
    TopicPartition partition()
    {
        return new TopicPartition(topic, 0);
    }

    /**
     * Reads the committed position of this exporter: the last record under its key up to the last
     * stable offset. Call after {@code initTransactions()} and after hanging transactions were
     * aborted ({@link Resume}): a hanging transaction holds the last stable offset back.
     *
     * @throws org.apache.kafka.common.KafkaException (a timeout among them) while the broker is away.
     */
    ExportPosition read()
    {
        final TopicPartition partition = partition();
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
