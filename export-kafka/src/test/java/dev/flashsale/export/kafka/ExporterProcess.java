package dev.flashsale.export.kafka;

import dev.flashsale.journal.JournalException;

import java.nio.file.Path;

/**
 * The exporter as its own process, for the tests that kill it: what {@code flashsale export kafka}
 * does (server module), without the command line parser the server owns.
 * Arguments: data directory, bootstrap, topic prefix, batch events.
 */
public final class ExporterProcess
{
    private ExporterProcess()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final ExportConfig defaults = ExportConfig.defaults(Path.of(args[0]), args[1]);
        final ExportConfig config = new ExportConfig(defaults.dataDirectory(), defaults.bootstrap(), args[2],
            defaults.checkoutsTopic(), defaults.skusTopic(), defaults.positionsTopic(), args[2] + "exporter",
            3, defaults.replicationFactor(), Integer.parseInt(args[3]), 5_000, 10_000, 100, 1_000, -1, 2_000, java.util.Map.of());
        final KafkaExporter exporter = new KafkaExporter(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try
            {
                exporter.stop(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }));
        try
        {
            exporter.run();
            System.exit(0);
        }
        catch (final JournalException | ExportStoppedException ex)
        {
            System.err.println("flashsale: " + ex.getMessage());
            System.exit(1);
        }
    }
}
