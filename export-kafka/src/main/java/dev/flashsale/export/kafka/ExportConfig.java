package dev.flashsale.export.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an exporter needs, checked when built: a bad value is an {@link IllegalArgumentException}
 * naming the option, before anything connects (the command turns it into exit 2).
 *
 * @param dataDirectory     the node's data directory; its event journal is read, never written.
 * @param bootstrap         Kafka bootstrap servers, {@code host:port[,host:port...]}.
 * @param topicPrefix       put before every topic name ("" for none).
 * @param checkoutsTopic    checkout events, keyed by checkout id.
 * @param skusTopic         SKU events, keyed by SKU code.
 * @param positionsTopic    the exporter's committed positions (compacted, one partition).
 * @param transactionalId   the producer's transactional id and the key of its position: one per exported journal.
 * @param partitions        partitions of the event topics when the exporter creates them.
 * @param replicationFactor of the topics it creates; -1 for the broker's default.
 * @param batchEvents       most events in one transaction.
 * @param kafkaTimeoutMs    how long one Kafka call may block before the exporter backs off and reconnects.
 * @param transactionTimeoutMs how long the broker keeps an open transaction of a dead exporter.
 * @param minBackoffMs      first wait after a failure; doubles per failure in a row.
 * @param maxBackoffMs      longest wait between attempts while the broker is away.
 * @param metricsPort       port of {@code /metrics}; 0 for any free port; -1 for none.
 * @param logIntervalMs     how often progress and lag are logged.
 * @param kafkaProperties   extra client properties (security, ...), given to producer, consumer and admin.
 */
public record ExportConfig(
    Path dataDirectory,
    String bootstrap,
    String topicPrefix,
    String checkoutsTopic,
    String skusTopic,
    String positionsTopic,
    String transactionalId,
    int partitions,
    short replicationFactor,
    int batchEvents,
    int kafkaTimeoutMs,
    int transactionTimeoutMs,
    long minBackoffMs,
    long maxBackoffMs,
    int metricsPort,
    long logIntervalMs,
    Map<String, String> kafkaProperties)
{
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern HOST_PORT = Pattern.compile("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*");

    public ExportConfig
    {
        Objects.requireNonNull(dataDirectory, "data directory");
        kafkaProperties = Map.copyOf(new LinkedHashMap<>(kafkaProperties));
        require(bootstrap != null && HOST_PORT.matcher(bootstrap).matches(), "--bootstrap",
            "host:port[,host:port...], got '" + bootstrap + "'");
        require(topicPrefix != null && (topicPrefix.isEmpty() || TOPIC.matcher(topicPrefix).matches()), "--topic-prefix",
            "letters, digits, '.', '_', '-', got '" + topicPrefix + "'");
        for (final String[] topic : new String[][] {{"--checkouts-topic", checkoutsTopic}, {"--skus-topic", skusTopic},
            {"--positions-topic", positionsTopic}})
        {
            require(topic[1] != null && TOPIC.matcher(topicPrefix + topic[1]).matches() && !(topicPrefix + topic[1]).equals(".") &&
                !(topicPrefix + topic[1]).equals(".."), topic[0], "a Kafka topic name (with the prefix: 1..249 of " +
                "[a-zA-Z0-9._-]), got '" + topicPrefix + topic[1] + "'");
        }
        require(new java.util.HashSet<>(java.util.List.of(checkoutsTopic, skusTopic, positionsTopic)).size() == 3, "--checkouts-topic/--skus-topic/--positions-topic",
            "three different topics");
        require(transactionalId != null && !transactionalId.isBlank() && transactionalId.length() <= 200, "--transactional-id",
            "1..200 characters");
        require(partitions >= 1 && partitions <= 10_000, "--partitions", "1..10000, got " + partitions);
        require(replicationFactor == -1 || replicationFactor >= 1 && replicationFactor <= 32, "--replication-factor",
            "-1 (the broker's default) or 1..32, got " + replicationFactor);
        require(batchEvents >= 1 && batchEvents <= 100_000, "--batch-events", "1..100000, got " + batchEvents);
        require(kafkaTimeoutMs >= 1_000 && kafkaTimeoutMs <= 600_000, "--kafka-timeout-ms", "1000..600000, got " + kafkaTimeoutMs);
        require(transactionTimeoutMs >= 1_000 && transactionTimeoutMs <= 900_000, "--transaction-timeout-ms",
            "1000..900000 (the broker's transaction.max.timeout.ms is 900000 by default), got " + transactionTimeoutMs);
        require(minBackoffMs >= 10 && minBackoffMs <= maxBackoffMs, "--min-backoff-ms", "10..--max-backoff-ms, got " + minBackoffMs);
        require(maxBackoffMs <= 600_000, "--max-backoff-ms", "at most 600000, got " + maxBackoffMs);
        require(metricsPort >= -1 && metricsPort <= 65_535, "--metrics-port", "-1 (none), 0 (any) or 1..65535, got " + metricsPort);
        require(logIntervalMs >= 1_000, "--log-interval-s", "at least 1 s");
        for (final String key : kafkaProperties.keySet())
        {
            require(!OWN_KEYS.contains(key), "--kafka-property", "'" + key + "' is set by the exporter itself (exactly-once needs it)");
        }
    }

    /** Client keys the exporter sets and an operator may not override: they are what makes the export exactly once. */
    static final java.util.Set<String> OWN_KEYS = java.util.Set.of("transactional.id", "enable.idempotence", "acks",
        "isolation.level", "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
        "enable.auto.commit", "bootstrap.servers", "max.in.flight.requests.per.connection");

    /** @return the defaults for everything but the data directory and the bootstrap servers. */
    public static ExportConfig defaults(final Path dataDirectory, final String bootstrap)
    {
        return new ExportConfig(dataDirectory, bootstrap, "flashsale.", "checkouts", "skus", "exporter-positions",
            "flashsale-exporter", 6, (short)-1, 2_000, 10_000, 60_000, 200, 10_000, -1, 10_000, Map.of());
    }

    /** @return the full name of a topic, prefix included. */
    public String topic(final String name)
    {
        return topicPrefix + name;
    }

    public ExportConfig withMetricsPort(final int port)
    {
        return new ExportConfig(dataDirectory, bootstrap, topicPrefix, checkoutsTopic, skusTopic, positionsTopic, transactionalId,
            partitions, replicationFactor, batchEvents, kafkaTimeoutMs, transactionTimeoutMs, minBackoffMs, maxBackoffMs, port,
            logIntervalMs, kafkaProperties);
    }

    public ExportConfig withTransactionalId(final String id)
    {
        return new ExportConfig(dataDirectory, bootstrap, topicPrefix, checkoutsTopic, skusTopic, positionsTopic, id,
            partitions, replicationFactor, batchEvents, kafkaTimeoutMs, transactionTimeoutMs, minBackoffMs, maxBackoffMs,
            metricsPort, logIntervalMs, kafkaProperties);
    }

    private static void require(final boolean ok, final String option, final String expected)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(option + ": expected " + expected);
        }
    }
}
