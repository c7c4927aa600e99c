package dev.flashsale.server.load;

import dev.flashsale.gateway.loadgen.ReferenceServer;
import dev.flashsale.server.LeakSampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code flashsale reference}: the plain in-memory reservation server the node is compared with in benchmarks. */
@Command(
    name = "reference",
    mixinStandardHelpOptions = true,
    header = "Serve the in-memory reference reservation server (a map under a lock, no journal), for benchmarks.",
    description = {
        "Serves what 'flashsale loadgen' sends to a node, unchanged: PUT /v1/admin/skus/{sku}, POST /v1/checkouts,",
        "POST /v1/checkouts/{id}/confirm and /cancel, with the node's bodies, answers and problem codes: stock per",
        "SKU, per-customer limits, all-or-nothing lines, idempotency keys, holds that expire. It requires X-Api-Key",
        "but does not verify keys, nor the customer token's signature (it reads the customer from the token), and",
        "keeps no journal. Runs until SIGTERM or SIGINT (docs/BENCHMARKS.md)."})
public final class ReferenceCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--bind-address", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}.")
    private String bindAddress;

    @Option(names = "--port", defaultValue = "8082", description = "Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--io-threads", defaultValue = "" + ReferenceServer.IO_THREADS_DEFAULT,
        description = "Event loop threads (default: ${DEFAULT-VALUE}).")
    private int ioThreads;

    @Option(names = "--retention-seconds", defaultValue = "" + ReferenceServer.RETENTION_MS_DEFAULT / 1000,
        description = "How long a finished checkout and its idempotency key are kept (default: ${DEFAULT-VALUE}).")
    private long retentionSeconds;

    @Option(names = "--capacity", defaultValue = "" + ReferenceServer.CAPACITY_DEFAULT,
        description = "Checkouts kept, and customer-SKU pairs counted, each at most; more is 503 (default: ${DEFAULT-VALUE}).")
    private int capacity;

    @Override
    public Integer call() throws InterruptedException
    {
        LeakSampling.offUnlessAsked();
        if (retentionSeconds < 0 || retentionSeconds > 86_400)
        {
            throw new IllegalArgumentException("--retention-seconds must be 0..86400: " + retentionSeconds);
        }
        final ReferenceServer server = new ReferenceServer(bindAddress, port, ioThreads, retentionSeconds * 1000, capacity,
            System::currentTimeMillis);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            stopped.countDown();
        }, "flashsale-reference-shutdown"));
        spec.commandLine().getOut().println("reference server on http://" + bindAddress + ":" + server.port() + " (" +
            server.transport() + ", " + ioThreads + " event loops, no journal)");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
