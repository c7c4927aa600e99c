package dev.flashsale.server.load;

import dev.flashsale.gateway.loadgen.LoadGenerator;
import dev.flashsale.gateway.loadgen.LoadOptions;
import dev.flashsale.gateway.loadgen.LoadReport;
import dev.flashsale.server.LeakSampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flashsale loadgen}: drives a flash sale (or a hello-world ceiling) over HTTP and reports corrected latencies. */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    header = "Load a node over HTTP: open loop at a rate, or closed loop; latencies corrected for coordinated omission.",
    description = {
        "Opens --connections keep-alive connections, each with one request in flight. With --rate R it is an open",
        "loop (wrk2 style): request k of the schedule is due at k/R seconds, and its latency counts from then, so a",
        "stalled server shows in the tail; 'sent late' then says how late the load generator itself sent the requests",
        "that waited for their time (its share of that tail). With --rate 0 each connection sends as soon as it has",
        "its answer.",
        "Scenarios: hot (every reserve on one SKU), spread (a random SKU of --skus), hello (GET --path, for the",
        "ceiling measured against 'flashsale hello'). Reserves use random customers of --customers; a 201 is",
        "followed by a confirm (--confirm-fraction) or a cancel (--cancel-fraction); up to 1,000,000 customers' tokens",
        "are signed before the run. Keys come from the node's",
        "first start (docs/API.md). Prints a summary; --hgrm writes the full percentile distribution (ms), --hlog",
        "an HdrHistogram interval log (ns, one interval a second) that 'flashsale plot' draws; --server-pid adds",
        "the server's CPU in the measured window (cores, answers per core-second, busiest threads)."})
public final class LoadgenCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}.")
    private String host;

    @Option(names = "--port", defaultValue = "8080", description = "Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--scenario", defaultValue = "hot", description = "hot, spread or hello (default: ${DEFAULT-VALUE}).")
    private String scenario;

    @Option(names = "--rate", defaultValue = "0", description = "Requests per second, open loop; 0 = closed loop (default).")
    private long rate;

    @Option(names = "--connections", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    private int connections;

    @Option(names = "--io-threads", defaultValue = "1", description = "Event loop threads of the generator (default: ${DEFAULT-VALUE}).")
    private int ioThreads;

    @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS", description = "Measured time (default: ${DEFAULT-VALUE}).")
    private int durationSeconds;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "SECONDS", description = "Unmeasured time first (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--skus", defaultValue = "100", description = "SKUs of the spread scenario (default: ${DEFAULT-VALUE}).")
    private int skus;

    @Option(names = "--sku-prefix", defaultValue = "LOAD-", description = "Default: ${DEFAULT-VALUE}.")
    private String skuPrefix;

    @Option(names = "--customers", defaultValue = "1000000", description = "Default: ${DEFAULT-VALUE}.")
    private long customers;

    @Option(names = "--stock", defaultValue = "10000", description = "Units per SKU at set-up (default: ${DEFAULT-VALUE}).")
    private int stock;

    @Option(names = "--limit", defaultValue = "10", description = "Per-customer limit at set-up (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--hold-seconds", defaultValue = "0",
        description = "Hold time each reserve asks for; 0 = the node's default (default: ${DEFAULT-VALUE}).")
    private int holdSeconds;

    @Option(names = "--confirm-fraction", defaultValue = "0.5", description = "Default: ${DEFAULT-VALUE}.")
    private double confirmFraction;

    @Option(names = "--cancel-fraction", defaultValue = "0.2", description = "Default: ${DEFAULT-VALUE}.")
    private double cancelFraction;

    // Not FLASHSALE_*: those name configuration keys, and flashsale run refuses unknown ones.
    @Option(names = "--api-key", description = "Storefront API key (or $LOADGEN_API_KEY).")
    private String storefrontKey;

    @Option(names = "--admin-key", description = "Admin API key for the set-up (or $LOADGEN_ADMIN_KEY).")
    private String adminKey;

    @Option(names = "--token-secret", description = "The storefront client's customer token secret (or $LOADGEN_TOKEN_SECRET).")
    private String tokenSecret;

    @Option(names = "--client-id", defaultValue = "1", description = "The storefront client id (default: ${DEFAULT-VALUE}).")
    private int clientId;

    @Option(names = "--no-setup", description = "Do not create the SKUs first.")
    private boolean noSetup;

    @Option(names = "--path", defaultValue = "/", description = "Path of the hello scenario (default: ${DEFAULT-VALUE}).")
    private String path;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the request mix (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--server-pid", defaultValue = "0", paramLabel = "PID",
        description = "A server process on this machine: print its CPU in the measured window, total and per thread (/proc).")
    private long serverPid;

    @Option(names = "--hgrm", paramLabel = "FILE", description = "Write the percentile distribution (HdrHistogram, ms) here.")
    private Path hgrm;

    @Option(names = "--hlog", paramLabel = "FILE",
        description = "Write an HdrHistogram interval log (ns, one interval a second of the measured window) here.")
    private Path hlog;

    @Override
    public Integer call()
    {
        LeakSampling.offUnlessAsked();
        final LoadOptions.Scenario kind;
        try
        {
            kind = LoadOptions.Scenario.valueOf(scenario.toUpperCase(java.util.Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--scenario must be hot, spread or hello: " + scenario, ex);
        }
        final LoadOptions options = new LoadOptions()
            .host(host).port(port).scenario(kind).rate(rate).connections(connections).ioThreads(ioThreads)
            .durationSeconds(durationSeconds).warmupSeconds(warmupSeconds).skus(skus).skuPrefix(skuPrefix)
            .customers(customers).stockPerSku(stock).perCustomerLimit(limit).holdSeconds(holdSeconds)
            .confirmFraction(confirmFraction)
            .cancelFraction(cancelFraction).clientId(clientId).setup(!noSetup).path(path).seed(seed).hgrmFile(hgrm).hlogFile(hlog)
            .serverPid(serverPid)
            .storefrontKey(orEnvironment(storefrontKey, "LOADGEN_API_KEY"))
            .adminKey(orEnvironment(adminKey, "LOADGEN_ADMIN_KEY"))
            .tokenSecret(orEnvironment(tokenSecret, "LOADGEN_TOKEN_SECRET"));
        final LoadReport report = new LoadGenerator().run(options.validate());
        spec.commandLine().getOut().println(report.summary());
        spec.commandLine().getOut().flush();
        return report.answers() > 0 ? 0 : 1;
    }

    private static String orEnvironment(final String value, final String variable)
    {
        return value != null ? value : System.getenv(variable);
    }
}
