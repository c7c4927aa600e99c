package dev.flashsale.server.node;

import dev.flashsale.server.config.FlashsaleConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code flashsale run}: a standalone node on a data directory, until SIGTERM or SIGINT. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Start a standalone node on a data directory.",
    description = {
        "Starts a standalone node: recovers its state from the data directory (snapshot + input journal),",
        "then journals every input before the engine decides it, until SIGTERM or SIGINT stops it in order.",
        "The HTTP gateway comes with the gateway issue; until then the node takes no requests."})
public final class RunCommand implements Callable<Integer>
{
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (properties); see docs/CONFIGURATION.md.")
    private Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: journal.data-dir).")
    private Path dataDirectory;

    @Override
    public Integer call() throws InterruptedException
    {
        final FlashsaleConfig config = FlashsaleConfig.load(configFile, System.getenv());
        if (dataDirectory != null)
        {
            config.dataDirectory(dataDirectory);
        }
        final long startNs = System.nanoTime();
        final StandaloneNode node = StandaloneNode.start(config, List.of());
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            LOG.info("stopping: draining the rings");
            node.close();
            LOG.info("stopped at input {}", node.engine().lastSequence());
            stopped.countDown();
        }, "flashsale-shutdown"));
        LOG.info("flashsale node ready in {} ms: data in {}, at input {}, journal.sync={}; no HTTP gateway yet",
            (System.nanoTime() - startNs) / 1_000_000, config.dataDirectory().toAbsolutePath(),
            node.engine().lastSequence(), config.journal().sync().name().toLowerCase(java.util.Locale.ROOT));
        stopped.await();
        return 0;
    }
}
