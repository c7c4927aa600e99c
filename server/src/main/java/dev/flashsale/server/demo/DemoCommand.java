package dev.flashsale.server.demo;

import dev.flashsale.server.FlashsaleCommand;
import dev.flashsale.server.config.FlashsaleConfig;
import org.agrona.concurrent.SystemEpochClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flashsale demo}: an in-process flash sale on the pipeline, with a report and checks. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run a flash sale in this process, with a report and checks.",
    description = {
        "Runs a flash sale in this process: one SKU, many shoppers reserving at once, some paying,",
        "some cancelling, some walking away so their holds expire. Prints what was sold, held and",
        "expired, refusals by reason, throughput and latency, and checks that stock is conserved and",
        "nothing is oversold. Exits 1 if a check fails."})
public final class DemoCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (properties); see docs/CONFIGURATION.md.")
    private Path configFile;

    @Option(names = "--sku", defaultValue = "FLASH-1", description = "SKU code on sale (default: ${DEFAULT-VALUE}).")
    private String sku;

    @Option(names = "--stock", defaultValue = "10000", description = "Units on sale (default: ${DEFAULT-VALUE}).")
    private int stock;

    @Option(names = "--limit", defaultValue = "2", description = "Units per customer (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--customers", defaultValue = "100000", description = "Shoppers (default: ${DEFAULT-VALUE}).")
    private int customers;

    @Option(names = "--attempts", defaultValue = "200000", description = "Reserve attempts (default: ${DEFAULT-VALUE}).")
    private int attempts;

    @Option(names = "--rate", defaultValue = "100000",
        description = "Attempts per second; 0 = as fast as the pipeline accepts (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--producers", defaultValue = "2", description = "Publishing threads (default: ${DEFAULT-VALUE}).")
    private int producers;

    @Option(names = "--hold-ttl-ms", defaultValue = "1000", description = "Hold time-to-live (default: ${DEFAULT-VALUE}).")
    private long holdTtlMs;

    @Option(names = "--confirm-percent", defaultValue = "60",
        description = "Holds that pay, some too late (default: ${DEFAULT-VALUE}).")
    private int confirmPercent;

    @Option(names = "--cancel-percent", defaultValue = "15",
        description = "Holds that cancel; the rest expire (default: ${DEFAULT-VALUE}).")
    private int cancelPercent;

    @Option(names = "--retry-percent", defaultValue = "2",
        description = "Attempts sent twice with the same idempotency key (default: ${DEFAULT-VALUE}).")
    private int retryPercent;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the shoppers' choices (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Run the sale on a journaled node in this new or empty data directory, so the journal tools" +
            " can inspect it afterwards (default: in memory).")
    private Path dataDirectory;

    @Option(names = "--warmup", defaultValue = "100000",
        description = "Attempts of an unmeasured sale run first so the JIT has compiled the hot paths; 0 = none" +
            " (default: ${DEFAULT-VALUE}).")
    private int warmupAttempts;

    @Override
    public Integer call() throws Exception
    {
        final FlashsaleConfig config = FlashsaleConfig.load(configFile, System.getenv());
        final DemoScenario scenario = new DemoScenario(sku, stock, limit, customers, attempts, rate, producers, holdTtlMs,
            confirmPercent, cancelPercent, retryPercent, seed);
        if (holdTtlMs < config.engine().minHoldTtlMs() || holdTtlMs > config.engine().maxHoldTtlMs())
        {
            throw new IllegalArgumentException("--hold-ttl-ms " + holdTtlMs + " is outside the engine's bounds " +
                config.engine().minHoldTtlMs() + ".." + config.engine().maxHoldTtlMs() + " ms");
        }
        if (warmupAttempts < 0)
        {
            throw new IllegalArgumentException("--warmup must be 0 or more");
        }
        final SystemEpochClock clock = new SystemEpochClock();
        final FlashSaleSimulation.Nodes inMemory = (observer, listener) ->
            SaleNode.inMemory(config.engine(), config.pipeline(), clock, observer, listener);
        final FlashSaleSimulation.Nodes durable = (observer, listener) -> SaleNode.durable(config, clock, observer, listener);
        if (dataDirectory != null)
        {
            requireNewOrEmpty(dataDirectory);
        }
        final FlashSaleSimulation simulation =
            new FlashSaleSimulation(scenario, dataDirectory == null ? inMemory : durable, config.pipeline());
        if (warmupAttempts > 0 && dataDirectory == null)
        {
            simulation.warmUp(warmupAttempts, inMemory);
        }
        else if (warmupAttempts > 0)
        {
            // Warm the journal's code paths too, on a throwaway data directory.
            final Path warmUpDirectory = java.nio.file.Files.createTempDirectory("flashsale-demo-warmup-");
            try
            {
                config.dataDirectory(warmUpDirectory);
                simulation.warmUp(warmupAttempts, durable);
            }
            finally
            {
                deleteRecursively(warmUpDirectory);
            }
        }
        if (dataDirectory != null)
        {
            config.dataDirectory(dataDirectory);
        }
        final DemoOutcome outcome = simulation.run();
        final boolean passed = new DemoReport(outcome).print(spec.commandLine().getOut());
        if (dataDirectory != null)
        {
            spec.commandLine().getOut().printf("%njournal kept in %s: try 'flashsale journal stats --data-dir %s'%n",
                dataDirectory, dataDirectory);
            spec.commandLine().getOut().flush();
        }
        return passed ? FlashsaleCommand.EXIT_OK : FlashsaleCommand.EXIT_FAILED;
    }

    private static void deleteRecursively(final Path directory) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(directory))
        {
            for (final Path file : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                java.nio.file.Files.delete(file);
            }
        }
    }

    private static void requireNewOrEmpty(final Path directory) throws java.io.IOException
    {
        if (java.nio.file.Files.exists(directory))
        {
            try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(directory))
            {
                if (entries.findAny().isPresent())
                {
                    throw new IllegalArgumentException("--data-dir " + directory + " is not empty: the demo's checks" +
                        " assume a fresh sale; use a new directory");
                }
            }
        }
    }
}
