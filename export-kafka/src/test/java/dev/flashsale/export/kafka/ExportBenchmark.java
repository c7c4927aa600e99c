package dev.flashsale.export.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The exporter's throughput into a real broker (docs/BENCHMARKS.md): writes a journal of a sale
 * ({@link SaleNode}), then exports it from the first event under a fresh transactional id and topic
 * prefix, and prints events per second from the first commit to the last. Not a test: run by hand
 * against a broker you started, with the test class path.
 *
 * <pre>java $FLAGS -cp ... dev.flashsale.export.kafka.ExportBenchmark BOOTSTRAP CUSTOMERS BATCH_EVENTS [RUNS]</pre>
 */
public final class ExportBenchmark
{
    private ExportBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String bootstrap = args[0];
        final int customers = Integer.parseInt(args[1]);
        final int batchEvents = Integer.parseInt(args[2]);
        final int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        final Path data = Files.createTempDirectory("export-benchmark");
        final long writeStart = System.nanoTime();
        try (SaleNode node = new SaleNode(data.resolve("node")))
        {
            node.sale(42, 20, 1_000_000, customers, 1);
        }
        final int events = ExportedEvents.inJournal(data.resolve("node"), "").size();
        System.out.printf("journal: %,d events from %,d customers, written in %.1f s%n", events, customers,
            (System.nanoTime() - writeStart) / 1e9);
        for (int run = 1; run <= runs; run++)
        {
            final String prefix = "bench" + System.currentTimeMillis() + ".";
            final ExportConfig d = ExportConfig.defaults(data.resolve("node"), bootstrap);
            final KafkaExporter exporter = new KafkaExporter(new ExportConfig(d.dataDirectory(), bootstrap, prefix,
                d.checkoutsTopic(), d.skusTopic(), d.positionsTopic(), prefix + "exporter", d.partitions(), d.replicationFactor(),
                batchEvents, d.kafkaTimeoutMs(), d.transactionTimeoutMs(), d.minBackoffMs(), d.maxBackoffMs(), -1, 60_000, Map.of()));
            final CompletableFuture<Void> running = CompletableFuture.runAsync(exporter::run);
            while (exporter.exported().exportedEvents() == 0)
            {
                Thread.sleep(1);
            }
            final long start = System.nanoTime();
            final long first = exporter.exported().exportedEvents();
            while (exporter.exported().exportedEvents() < events)
            {
                if (running.isDone())
                {
                    running.get();
                }
                Thread.sleep(1);
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            exporter.stop(30_000);
            running.get(30, TimeUnit.SECONDS);
            System.out.printf("run %d: %,d events in %.2f s after the first commit: %,.0f events/s (batch %d)%n", run,
                events - first, seconds, (events - first) / seconds, batchEvents);
        }
    }
}
