package dev.flashsale.server.export;

import dev.flashsale.export.kafka.ExportConfig;
import dev.flashsale.export.kafka.ExportStoppedException;
import dev.flashsale.export.kafka.KafkaExporter;
import dev.flashsale.server.FlashsaleCommand;
import dev.flashsale.server.logging.LogFormat;
import dev.flashsale.server.logging.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code flashsale export kafka}: tails a node's event journal (standalone or cluster member, on
 * this host, read-only, beside the running node) and publishes every event to Kafka exactly once.
 * Runs until SIGTERM, which lets the batch in flight commit. docs/EVENTS.md has the schema and the
 * guarantees.
 */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Tail a node's event journal and publish every event, in order, as JSON to Kafka: one topic for " +
        "checkout events (key: checkout id), one for SKU events (key: SKU code). Exactly once for read_committed " +
        "consumers across crashes of the exporter and stops and crashes of Kafka (hanging transactions a Kafka " +
        "restart leaves behind are aborted). Runs until stopped (SIGTERM). Schema and guarantees: docs/EVENTS.md.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        " 0:stopped (SIGTERM)",
        " 1:the event journal is damaged or not the one exported from, or Kafka refused the exporter",
        " 2:bad usage"})
public final class ExportKafkaCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "flashsale-data",
        description = "The node's data directory (default: ${DEFAULT-VALUE}); read only.")
    Path dataDirectory;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,HOST:PORT...]", required = true,
        description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "flashsale.",
        description = "Put before every topic name (default: ${DEFAULT-VALUE}; '' for none).")
    String topicPrefix;

    @Option(names = "--checkouts-topic", paramLabel = "NAME", defaultValue = "checkouts",
        description = "Checkout events, keyed by checkout id (default: ${DEFAULT-VALUE}).")
    String checkoutsTopic;

    @Option(names = "--skus-topic", paramLabel = "NAME", defaultValue = "skus",
        description = "SKU events, keyed by SKU code (default: ${DEFAULT-VALUE}).")
    String skusTopic;

    @Option(names = "--positions-topic", paramLabel = "NAME", defaultValue = "exporter-positions",
        description = "Where the exporter commits its journal position (compacted, 1 partition; default: ${DEFAULT-VALUE}).")
    String positionsTopic;

    @Option(names = "--transactional-id", paramLabel = "ID", defaultValue = "flashsale-exporter",
        description = "The producer's transactional id and the key of the position (default: ${DEFAULT-VALUE}). One " +
            "exporter per id; the same id on another member of the same cluster continues where the first stopped.")
    String transactionalId;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
        description = "Partitions of the event topics when the exporter creates them (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "-1",
        description = "Replication factor of the topics it creates; -1 for the broker's default (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--batch-events", paramLabel = "N", defaultValue = "2000",
        description = "Most events per Kafka transaction (default: ${DEFAULT-VALUE}).")
    int batchEvents;

    @Option(names = "--kafka-timeout-ms", paramLabel = "MS", defaultValue = "10000",
        description = "How long one Kafka call may block before the exporter backs off and reconnects (default: ${DEFAULT-VALUE}).")
    int kafkaTimeoutMs;

    @Option(names = "--transaction-timeout-ms", paramLabel = "MS", defaultValue = "60000",
        description = "How long the broker keeps a dead exporter's open transaction, which holds back read_committed " +
            "consumers (default: ${DEFAULT-VALUE}).")
    int transactionTimeoutMs;

    @Option(names = "--min-backoff-ms", paramLabel = "MS", defaultValue = "200",
        description = "First wait after a Kafka failure; doubles per failure in a row (default: ${DEFAULT-VALUE}).")
    long minBackoffMs;

    @Option(names = "--max-backoff-ms", paramLabel = "MS", defaultValue = "10000",
        description = "Longest wait between attempts while Kafka is away (default: ${DEFAULT-VALUE}).")
    long maxBackoffMs;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
        description = "Serve /metrics (Prometheus text) on this port; 0 for any free port; -1 for none (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--log-interval-s", paramLabel = "S", defaultValue = "10",
        description = "How often progress and lag are logged (default: ${DEFAULT-VALUE}).")
    long logIntervalSeconds;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
        description = "A Kafka client property for producer, consumer and admin (security.protocol, sasl.*, ssl.*, ...); " +
            "repeatable. The keys exactly-once depends on are refused.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:FLASHSALE_LOG_FORMAT:-text}",
        description = "The log's layout, as log.format of 'flashsale run': text, or json (ECS) for ELK " +
            "(default: $FLASHSALE_LOG_FORMAT, else text).")
    String logFormat;

    @Override
    public Integer call() throws InterruptedException
    {
        final ExportConfig config;
        try
        {
            LogSetup.apply(logFormat(), "info", Map.of());
            config = new ExportConfig(dataDirectory, bootstrap, topicPrefix, checkoutsTopic, skusTopic, positionsTopic,
                transactionalId, partitions, replicationFactor, batchEvents, kafkaTimeoutMs, transactionTimeoutMs, minBackoffMs,
                maxBackoffMs, metricsPort, Math.multiplyExact(logIntervalSeconds, 1_000L), kafkaProperties);
        }
        catch (final IllegalArgumentException | ArithmeticException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        final KafkaExporter exporter = new KafkaExporter(config);
        final Thread hook = new Thread(() ->
        {
            try
            {
                exporter.stop(config.kafkaTimeoutMs() * 2L);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "flashsale-export-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            exporter.run();
            return FlashsaleCommand.EXIT_OK;
        }
        catch (final ExportStoppedException ex)
        {
            spec.commandLine().getErr().println("flashsale: " + ex.getMessage());
            return FlashsaleCommand.EXIT_FAILED;
        }
        // a JournalException reaches FlashsaleCommand's handler: its message, exit 1
        finally
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown) // the hook is what stopped it
            {
                // nothing to remove
            }
        }
    }

    private LogFormat logFormat()
    {
        return switch (logFormat.trim().toLowerCase(Locale.ROOT))
        {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw new IllegalArgumentException("--log-format (or FLASHSALE_LOG_FORMAT) is '" + logFormat +
                "': text or json");
        };
    }
}
