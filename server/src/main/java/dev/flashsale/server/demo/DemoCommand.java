package dev.flashsale.server.demo;

import dev.flashsale.engine.InvariantViolation;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.gateway.loadgen.LoadGenerator;
import dev.flashsale.gateway.loadgen.LoadOptions;
import dev.flashsale.gateway.loadgen.LoadReport;
import dev.flashsale.gateway.loadgen.RequestKind;
import dev.flashsale.server.FlashsaleCommand;
import dev.flashsale.server.config.FlashsaleConfig;
import dev.flashsale.server.logging.LogSetup;
import dev.flashsale.server.node.GatewayNode;
import org.agrona.concurrent.SystemEpochClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code flashsale demo}: a flash sale through HTTP against a node it starts, with checks. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run a flash sale through HTTP against a node it starts, with checks.",
    description = {
        "Starts a journaled node with its HTTP gateway on a free loopback port, puts one SKU on sale with the",
        "admin API, and lets shoppers reserve it over keep-alive connections: some pay, some cancel, the rest",
        "walk away and their holds expire. Prints the load generator's report and the SKU's counters, then",
        "checks that stock is conserved, nothing is oversold, every acknowledged payment is a sold unit, every",
        "hold settled, every request was answered and the engine's invariants hold. Exits 1 if a check fails."})
public final class DemoCommand implements Callable<Integer>
{
    private static final String SKU = "FLASH-HOT";

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (properties); see docs/CONFIGURATION.md.")
    private Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Keep the node's journal in this new or empty directory, for the journal tools (default: a temporary one, deleted).")
    private Path dataDirectory;

    @Option(names = "--stock", defaultValue = "10000", description = "Units on sale (default: ${DEFAULT-VALUE}).")
    private int stock;

    @Option(names = "--limit", defaultValue = "2", description = "Units per customer (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--customers", defaultValue = "100000", description = "Shoppers (default: ${DEFAULT-VALUE}).")
    private long customers;

    @Option(names = "--connections", defaultValue = "64", description = "Keep-alive connections (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--rate", defaultValue = "0",
        description = "Requests per second, open loop; 0 = each connection as fast as it is answered (default).")
    private long rate;

    @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS", description = "Length of the sale (default: ${DEFAULT-VALUE}).")
    private int durationSeconds;

    @Option(names = "--hold-seconds", defaultValue = "2", description = "Hold time-to-live (default: ${DEFAULT-VALUE}).")
    private int holdSeconds;

    @Option(names = "--confirm-fraction", defaultValue = "0.6", description = "Holds that pay (default: ${DEFAULT-VALUE}).")
    private double confirmFraction;

    @Option(names = "--cancel-fraction", defaultValue = "0.15",
        description = "Holds that cancel; the rest expire (default: ${DEFAULT-VALUE}).")
    private double cancelFraction;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the shoppers' choices (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() throws Exception
    {
        final FlashsaleConfig config = FlashsaleConfig.load(configFile, System.getenv());
        LogSetup.apply(config.logFormat(), config.logLevel(), config.logLevels()); // before the node's first line, as run does
        config.gateway().bindAddress("127.0.0.1").port(0).validate();
        if (holdSeconds * 1000L < config.engine().minHoldTtlMs() || holdSeconds * 1000L > config.engine().maxHoldTtlMs())
        {
            throw new IllegalArgumentException("--hold-seconds " + holdSeconds + " is outside the engine's bounds " +
                config.engine().minHoldTtlMs() + ".." + config.engine().maxHoldTtlMs() + " ms");
        }
        if (stock < 1)
        {
            throw new IllegalArgumentException("--stock must be at least 1: " + stock);
        }
        final boolean temporary = dataDirectory == null;
        final Path directory = temporary ? Files.createTempDirectory("flashsale-demo-") :
            DemoDirectories.requireNewOrEmpty(dataDirectory);
        config.dataDirectory(directory);
        final PrintWriter out = spec.commandLine().getOut();
        final Credentials.Generated credentials = Credentials.generate();
        final LoadOptions options = new LoadOptions()
            .scenario(LoadOptions.Scenario.HOT).skuPrefix("FLASH-").stockPerSku(stock).perCustomerLimit(limit)
            .customers(customers).connections(connections).rate(rate).durationSeconds(durationSeconds).warmupSeconds(0)
            .holdSeconds(holdSeconds).confirmFraction(confirmFraction).cancelFraction(cancelFraction).seed(seed)
            .storefrontKey(credentials.storefrontKey()).adminKey(credentials.adminKey())
            .tokenSecret(credentials.tokenSecret())
            .validate(); // bad options are usage errors, found before a node starts (the port is set once it listens)
        final GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of());
        final DemoChecks checks;
        try
        {
            final int port = node.gateway().port();
            out.printf("node listening on http://127.0.0.1:%d, data in %s%n", port, directory);
            out.flush();
            final LoadReport report = new LoadGenerator().run(options.port(port));
            out.println(report.summary());
            final String sku = settledSku(port, credentials.adminKey(), holdSeconds);
            out.println("SKU after the holds' time-to-live: " + sku);
            node.close();
            String invariants = null;
            try
            {
                node.node().engine().verifyInvariants();
            }
            catch (final InvariantViolation ex)
            {
                invariants = ex.getMessage();
            }
            checks = new DemoChecks(stock, field(sku, "available"), field(sku, "held"), field(sku, "sold"),
                report.answers(RequestKind.RESERVE, 201), report.answers(RequestKind.CONFIRM, 200),
                report.answers(RequestKind.CANCEL, 200), report.unanswered() + report.errors(), invariants);
        }
        finally
        {
            node.close();
        }
        out.println();
        final boolean passed = checks.print(out);
        if (temporary)
        {
            DemoDirectories.deleteRecursively(directory);
        }
        else
        {
            out.printf("%njournal kept in %s: try 'flashsale journal stats --data-dir %s'%n", directory, directory);
            out.flush();
        }
        return passed ? FlashsaleCommand.EXIT_OK : FlashsaleCommand.EXIT_FAILED;
    }

    /** Reads the SKU through the admin API until no unit is held, or the holds' time-to-live and 10 s have passed. */
    private static String settledSku(final int port, final String adminKey, final int holdSeconds)
        throws IOException, InterruptedException
    {
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/admin/skus/" + SKU))
            .timeout(Duration.ofSeconds(10)).header("X-Api-Key", adminKey).build();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(holdSeconds + 10L);
        while (true)
        {
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200)
            {
                throw new IllegalStateException("reading " + SKU + " answered " + response.statusCode() + ": " + response.body());
            }
            if (field(response.body(), "held") == 0 || System.nanoTime() > deadline)
            {
                return response.body();
            }
            Thread.sleep(100);
        }
    }

    private static long field(final String json, final String name)
    {
        final Matcher matcher = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        if (!matcher.find())
        {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return Long.parseLong(matcher.group(1));
    }
}
