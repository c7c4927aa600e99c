package dev.flashsale.export.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads back what the event topics hold, at the start of a session: which events after a journal
 * position a {@code read_committed} consumer already sees, and which event an aborted transaction
 * began with. Every exported record carries its journal position in its JSON, and each partition
 * holds its events in journal order (the exporter sends in that order, each event once), so a
 * partition's tail after a position is found by reading back from its end.
 */
final class EventTopics
{
    /** A committed event of the topics: where it is, and what it is (to check it against the journal's). */
    record InKafka(TopicPartition partition, long offset, String key, String type)
    {
        @Override
        public String toString()
        {
            return type + " '" + key + "' at " + partition + " offset " + offset;
        }
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MIN_WINDOW = 64;

    private final ExportConfig config;
    private final List<String> topics;
    private final Duration timeout;

    EventTopics(final ExportConfig config)
    {
        this.config = config;
        this.topics = List.of(config.topic(config.checkoutsTopic()), config.topic(config.skusTopic()));
        this.timeout = Duration.ofMillis(config.kafkaTimeoutMs());
    }

    /** @return every partition of the two event topics. @throws KafkaException while Kafka is away. */
    List<TopicPartition> partitions(final Admin admin)
    {
        final Map<String, TopicDescription> described = ClientProperties.await(admin.describeTopics(topics).allTopicNames(),
            config, "describing " + topics);
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final String topic : topics)
        {
            for (final TopicPartitionInfo info : described.get(topic).partitions())
            {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        return partitions;
    }

    /**
     * @return the journal position of the event at {@code offset}, read uncommitted: the first
     *         record of an open or aborted transaction, which a {@code read_committed} consumer never sees.
     */
    JournalPosition eventAt(final TopicPartition partition, final long offset)
    {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumer("read_uncommitted", "-hanging-reader")))
        {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200)))
                {
                    if (record.offset() >= offset)
                    {
                        return parse(record).position();
                    }
                }
            }
        }
        throw new org.apache.kafka.common.errors.TimeoutException("reading offset " + offset + " of " + partition + " took longer than " +
            timeout.toMillis() + " ms");
    }

    /**
     * @param limit the most events to return: more means the position and the topics disagree
     *              beyond what a lost marker explains.
     * @return the events after {@code after} that {@code read_committed} consumers see, by position.
     * @throws IllegalStateException a partition holds a record that is not this exporter's event,
     *                               events out of journal order, or more than {@code limit} after {@code after}.
     */
    TreeMap<JournalPosition, InKafka> committedAfter(final JournalPosition after, final List<TopicPartition> partitions,
        final int limit)
    {
        final TreeMap<JournalPosition, InKafka> found = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumer("read_committed", "-tail-reader")))
        {
            for (final TopicPartition partition : partitions)
            {
                for (final Event event : tailAfter(consumer, partition, after, limit))
                {
                    final InKafka before = found.put(event.position(), event.inKafka());
                    if (before != null)
                    {
                        throw new IllegalStateException("the event topics hold the event at " + event.position() + " twice, " +
                            before + " and " + event.inKafka() + ": written by another producer, or exported twice");
                    }
                }
                if (found.size() > limit)
                {
                    throw tooMany(after, limit);
                }
            }
        }
        return found;
    }

    private List<Event> tailAfter(final KafkaConsumer<String, byte[]> consumer, final TopicPartition partition,
        final JournalPosition after, final int limit)
    {
        consumer.assign(List.of(partition));
        final long begin = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        final long end = consumer.endOffsets(List.of(partition), timeout).get(partition); // the last stable offset
        long window = Math.max(MIN_WINDOW, 2L * config.batchEvents());
        while (true)
        {
            final long from = Math.max(begin, end - window);
            final List<Event> read = read(consumer, partition, from, end);
            final boolean reachedBack = from == begin || !read.isEmpty() && !read.get(0).position().isAfter(after);
            if (reachedBack)
            {
                final List<Event> tail = new ArrayList<>();
                for (final Event event : read)
                {
                    if (event.position().isAfter(after))
                    {
                        tail.add(event);
                    }
                }
                return tail;
            }
            if (read.size() > limit)
            {
                throw tooMany(after, limit);
            }
            window *= 2; // every committed record of the window is after the position (or there is none): read further back
        }
    }

    private List<Event> read(final KafkaConsumer<String, byte[]> consumer, final TopicPartition partition, final long from,
        final long end)
    {
        final List<Event> events = new ArrayList<>();
        consumer.seek(partition, from);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(partition, timeout) < end)
        {
            if (System.nanoTime() > deadline)
            {
                throw new org.apache.kafka.common.errors.TimeoutException("reading " + partition + " did not reach offset " + end +
                    " in " + timeout.toMillis() + " ms");
            }
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200)))
            {
                if (record.offset() >= end)
                {
                    continue;
                }
                final Event event = parse(record);
                if (!events.isEmpty() && !event.position().isAfter(events.get(events.size() - 1).position()))
                {
                    throw new IllegalStateException(partition + " holds the event at " + event.position() + " (offset " +
                        record.offset() + ") after the one at " + events.get(events.size() - 1).position() + ": out of " +
                        "journal order, so written by another producer or exported twice");
                }
                events.add(event);
            }
        }
        return events;
    }

    private static IllegalStateException tooMany(final JournalPosition after, final int limit)
    {
        return new IllegalStateException("the event topics hold more than " + limit + " committed events after " + after +
            ", the exporter's stored position: more than a lost transaction marker explains. Was the position topic " +
            "deleted, or do other producers write to the event topics?");
    }

    private record Event(JournalPosition position, InKafka inKafka)
    {
    }

    private Event parse(final ConsumerRecord<String, byte[]> record)
    {
        final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        long inputSequence = -1;
        long index = -1;
        String type = null;
        try (JsonParser json = JSON.createParser(record.value()))
        {
            if (json.nextToken() != JsonToken.START_OBJECT)
            {
                throw new IOException("not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = json.currentName();
                final JsonToken value = json.nextToken();
                switch (name)
                {
                    case "inputSequence" -> inputSequence = json.getLongValue();
                    case "index" -> index = json.getLongValue();
                    case "type" -> type = json.getText();
                    default ->
                    {
                        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)
                        {
                            json.skipChildren();
                        }
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            throw notAnEvent(record, partition, ex.getMessage());
        }
        if (inputSequence < 1 || index < 0 || index > Integer.MAX_VALUE || type == null)
        {
            throw notAnEvent(record, partition, "no inputSequence, index and type");
        }
        return new Event(new JournalPosition(inputSequence, (int)index), new InKafka(partition, record.offset(), record.key(), type));
    }

    private static IllegalStateException notAnEvent(final ConsumerRecord<String, byte[]> record, final TopicPartition partition,
        final String why)
    {
        final String value = record.value() == null ? "null" :
            new String(record.value(), 0, Math.min(200, record.value().length), StandardCharsets.UTF_8);
        return new IllegalStateException(partition + " offset " + record.offset() + " is not an event of this exporter (" +
            why + "): " + value + ". The event topics must be written by the exporter alone");
    }

    private Properties consumer(final String isolation, final String clientIdSuffix)
    {
        return ClientProperties.consumer(config, isolation, clientIdSuffix);
    }
}
