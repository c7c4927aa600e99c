package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.replication.ClusterNodeConfig;
import dev.flashsale.server.FlashsaleCommand;
import dev.flashsale.server.LeakSampling;
import dev.flashsale.server.config.FlashsaleConfig;
import dev.flashsale.server.logging.LogSetup;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code flashsale run}: a standalone node with its HTTP gateway, or, with {@code cluster.*} set, a
 * cluster member with its gateway as the cluster's client; until SIGTERM or SIGINT.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Start a standalone node with its HTTP gateway.",
    description = {
        "Starts a standalone node: recovers its state from the data directory (snapshot + input journal),",
        "then serves the HTTP API (docs/API.md) and journals every input before the engine decides it,",
        "until SIGTERM or SIGINT stops it in order. On first start it creates development credentials",
        "in the data directory and prints them once.",
        "With cluster.member-id and cluster.members set (docs/CONFIGURATION.md), it runs that member of an",
        "Aeron cluster instead, and its gateway sends every command to the cluster's leader."})
public final class RunCommand implements Callable<Integer>
{
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (properties); see docs/CONFIGURATION.md.")
    private Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: journal.data-dir).")
    private Path dataDirectory;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: gateway.port).")
    private Integer port;

    @Override
    public Integer call()
    {
        final FlashsaleConfig config = FlashsaleConfig.load(configFile, System.getenv());
        LogSetup.apply(config.logFormat(), config.logLevel(), config.logLevels()); // before the first line this command logs
        LeakSampling.offUnlessAsked();
        if (dataDirectory != null)
        {
            config.dataDirectory(dataDirectory);
        }
        if (port != null)
        {
            config.gateway().port(port).validate();
        }
        final long startNanos = System.nanoTime();
        final Credentials[] credentials = new Credentials[1];
        final Credentials.Generated generated = Credentials.loadOrCreate(config.credentialsFile(), credentials);
        if (generated != null)
        {
            // stdout, never the log: shown once, before anything else can fail; the file keeps only hashes
            System.out.println(developmentCredentials(config, generated));
        }
        if (config.cluster() != null)
        {
            return runClusterMember(config, credentials[0], startNanos);
        }
        final GatewayNode node = GatewayNode.start(config, credentials[0], new SystemEpochClock(), List.of());
        collectStartUpSurvivors();
        final StopSignals signals = StopSignals.install(); // after the start: a refused start leaves the JVM's handlers alone
        final Runnable stop = once(() ->
        {
            LOG.info("stopping: no new connections, draining the rings");
            node.close();
            LOG.info("stopped at input {}", node.node().engine().lastSequence());
            LogSetup.shutdown(); // last: Log4j's own hook is off so that the lines above are written
        });
        addFallbackShutdownHook(stop);
        final String host = config.gateway().bindAddress();
        LOG.info("flashsale standalone node listening on http://{}:{} ({}), ready in {} ms; data in {} at input {}, journal.sync={}, " +
            "pipeline on {} ({} cores), {} event loop(s)",
            host.contains(":") ? "[" + host + "]" : host, node.gateway().port(), node.gateway().transport(),
            (System.nanoTime() - startNanos) / 1_000_000, config.dataDirectory().toAbsolutePath(),
            node.node().engine().lastSequence(), config.journal().sync().name().toLowerCase(Locale.ROOT),
            node.node().pipeline().threadLayout().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            Runtime.getRuntime().availableProcessors(), config.gateway().ioThreads());
        LOG.info("{} received", signals.await());
        stop.run();
        return FlashsaleCommand.EXIT_OK;
    }

    /**
     * Closes the node if the JVM ends some other way than through {@link StopSignals} (SIGHUP, an exit
     * called elsewhere); the node's close is idempotent, so after an orderly stop it does nothing.
     */
    private static void addFallbackShutdownHook(final Runnable stop)
    {
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "flashsale-shutdown"));
    }

    /** @return a stop that runs once, whichever of the main thread and the shutdown hook gets there first. */
    private static Runnable once(final Runnable stop)
    {
        final AtomicBoolean ran = new AtomicBoolean();
        return () ->
        {
            if (ran.compareAndSet(false, true))
            {
                stop.run();
            }
        };
    }

    private static int runClusterMember(final FlashsaleConfig config, final Credentials credentials, final long startNanos)
    {
        final ClusterNodeConfig cluster = config.cluster();
        final StopSignals signals = StopSignals.install(); // before the start: Aeron takes the signals during it
        final ClusterGatewayNode node = ClusterGatewayNode.start(config, credentials, new SystemEpochClock());
        final Runnable stop = once(() ->
        {
            LOG.info("stopping cluster member {}: no new connections, then the cluster session and the member",
                cluster.memberId());
            node.close();
            LOG.info("stopped at input {}", node.member().service().appliedSequence());
            LogSetup.shutdown(); // last: Log4j's own hook is off so that the lines above are written
        });
        addFallbackShutdownHook(stop);
        final String host = config.gateway().bindAddress();
        LOG.info("flashsale cluster member {} of {} listening on http://{}:{} ({}), up in {} ms; cluster UDP ports {}..{}," +
            " data in {}, journal.sync={}; the gateway sends to the cluster's leader ({})",
            cluster.memberId(), cluster.members(), host.contains(":") ? "[" + host + "]" : host, node.gateway().port(),
            node.gateway().transport(), (System.nanoTime() - startNanos) / 1_000_000,
            cluster.port(cluster.memberId(), ClusterNodeConfig.ARCHIVE_CONTROL_PORT_OFFSET),
            cluster.port(cluster.memberId(), ClusterNodeConfig.CATCHUP_PORT_OFFSET), config.dataDirectory().toAbsolutePath(),
            config.journal().sync().name().toLowerCase(Locale.ROOT), cluster.ingressEndpoints());
        final CompletableFuture<String> failure = node.member().failure();
        CompletableFuture.anyOf(signals.received(), failure).join();
        if (failure.isDone())
        {
            LOG.error("cluster member {} failed ({}; the cause is logged above). Stopping with exit code {}: a member that" +
                " stopped working must not stay half alive; restart it and it recovers from its snapshot and the cluster log",
                cluster.memberId(), failure.join(), FlashsaleCommand.EXIT_FAILED);
            stop.run();
            return FlashsaleCommand.EXIT_FAILED;
        }
        LOG.info("{} received", signals.await());
        stop.run();
        return FlashsaleCommand.EXIT_OK;
    }

    /**
     * One full collection once the node is built, as its port opens (before it logs that): what start-up made
     * and still holds (the engine's and the gateway's tables, the read services, Chronicle's and the
     * JIT's first objects) goes to the old generation now. Without it the load's first young
     * collections copy those survivors, and under G1 those were the node's longest pauses in a loaded
     * minute (10 to 16 ms, where the rest took 2 to 8; docs/BENCHMARKS.md, "Young pauses and the
     * heap's first touch"). Costs 50 to 80 ms of start-up with the benchmark's tables. A cluster
     * member does not: its collector is ZGC, whose pauses copy nothing.
     */
    private static void collectStartUpSurvivors()
    {
        final long startNanos = System.nanoTime();
        System.gc();
        LOG.info("start-up's live objects moved to the old generation in {} ms, before the first request",
            (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static String developmentCredentials(final FlashsaleConfig config, final Credentials.Generated generated)
    {
        return String.join("\n",
            "",
            "Development credentials, generated now and shown only this once (the file keeps their SHA-256):",
            "  storefront API key (client 1): " + generated.storefrontKey(),
            "  admin API key      (client 2): " + generated.adminKey(),
            "  customer token secret (client 1): " + generated.tokenSecret(),
            "  file: " + config.credentialsFile().toAbsolutePath(),
            "A customer token for customer 42: java -jar server/target/flashsale.jar token --data-dir " +
                config.dataDirectory() + " --customer 42",
            "");
    }
}
