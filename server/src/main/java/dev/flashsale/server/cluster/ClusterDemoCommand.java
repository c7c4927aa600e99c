package dev.flashsale.server.cluster;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.server.FlashsaleCommand;
import dev.flashsale.server.demo.DemoDirectories;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code flashsale cluster-demo}: a sale through a local 3-member cluster whose leader is killed, with checks. */
@Command(
    name = "cluster-demo",
    mixinStandardHelpOptions = true,
    header = "Run a sale through a local 3-member cluster, kill its leader with kill -9, and check.",
    description = {
        "Starts three 'flashsale run' processes as members 0, 1 and 2 of one Aeron cluster on this machine, puts",
        "two SKUs on sale (a scarce one that sells out and a plentiful one) and lets shoppers reserve, pay and",
        "cancel through all three gateways. Meanwhile it kills the leader with SIGKILL --kills times: each",
        "time it prints the failover (from the kill to the first reserve acknowledged through the new leader),",
        "restarts the killed member and waits until it has caught up. At the end it stops the members with",
        "SIGTERM and checks each member's data directory: nothing acknowledged lost, no oversell, stock",
        "conserved, the same engine state hash and identical input journals on all three. Exits 1 if a check",
        "fails. Ports: UDP base-port+1 .. base-port+25 (the cluster), TCP base-port+30 .. +32 (HTTP)."})
public final class ClusterDemoCommand implements Callable<Integer>
{
    static final String SCARCE_SKU = "CLUSTER-SCARCE";
    static final String PLENTIFUL_SKU = "CLUSTER-PLENTY";
    private static final int PLENTIFUL_STOCK = 1_000_000;
    private static final long START_WAIT_MS = 120_000;
    private static final int PROBLEM_LINES = 8;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Configuration file every member reads (docs/CONFIGURATION.md); the demo sets the cluster.* keys.")
    private Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Keep the members' data directories and logs in this new or empty directory (default: a temporary" +
            " one, deleted if every check passes).")
    private Path dataDirectory;

    @Option(names = "--base-port", defaultValue = "20000", description = "First port of the range the demo uses" +
        " (default: ${DEFAULT-VALUE}).")
    private int basePort;

    @Option(names = "--kills", defaultValue = "1", description = "Times the leader is killed (default: ${DEFAULT-VALUE}).")
    private int kills;

    @Option(names = "--kill-every", defaultValue = "3", paramLabel = "SECONDS",
        description = "Sale before the first kill, after each catch-up, and after the last (default: ${DEFAULT-VALUE}).")
    private int killEverySeconds;

    @Option(names = "--shoppers", defaultValue = "4", description = "Shopper threads, closed loop (default: ${DEFAULT-VALUE}).")
    private int shoppers;

    @Option(names = "--stock", defaultValue = "2000", description = "Units of the scarce SKU (default: ${DEFAULT-VALUE}).")
    private int stock;

    @Option(names = "--customers", defaultValue = "100000", description = "Shoppers' customer ids (default: ${DEFAULT-VALUE}).")
    private long customers;

    @Option(names = "--hold-seconds", defaultValue = "5", description = "Hold time-to-live (default: ${DEFAULT-VALUE}).")
    private int holdSeconds;

    @Option(names = "--confirm-fraction", defaultValue = "0.6", description = "Holds that pay (default: ${DEFAULT-VALUE}).")
    private double confirmFraction;

    @Option(names = "--cancel-fraction", defaultValue = "0.15",
        description = "Holds that cancel; the rest expire (default: ${DEFAULT-VALUE}).")
    private double cancelFraction;

    @Option(names = "--stop-timeout", defaultValue = "15", paramLabel = "SECONDS",
        description = "Wait for the members to exit after SIGTERM; then SIGKILL, reported (default: ${DEFAULT-VALUE}).")
    private int stopTimeoutSeconds;

    @Option(names = "--lose-disk", description = "Delete each killed member's data directory before restarting it, as if" +
        " its disk were lost: it must rebuild its state and journals from the others.")
    private boolean loseDisk;

    @Option(names = "--new-address", description = "Members reach each other by name (a hosts file their JVMs read)," +
        " and each killed member comes back at a new address under its name, as a replacement machine or a" +
        " rescheduled pod does; the others are not restarted. Linux (127.0.0.0/8 on loopback).")
    private boolean newAddress;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the shoppers' choices (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() throws Exception
    {
        validate();
        final boolean temporary = dataDirectory == null;
        final Path root = temporary ? Files.createTempDirectory("flashsale-cluster-demo-") :
            Files.createDirectories(DemoDirectories.requireNewOrEmpty(dataDirectory));
        final PrintWriter out = spec.commandLine().getOut();
        final Credentials[] loaded = new Credentials[1];
        final Path credentialsFile = root.resolve("credentials.properties");
        final Credentials.Generated credentials = Credentials.loadOrCreate(credentialsFile, loaded);
        final LocalCluster cluster = new LocalCluster(root, basePort, configFile, credentialsFile, credentials.adminKey(), out,
            newAddress);
        final Map<String, Integer> skus = new LinkedHashMap<>();
        skus.put(SCARCE_SKU, stock);
        skus.put(PLENTIFUL_SKU, PLENTIFUL_STOCK);
        final Shoppers shopping = new Shoppers(cluster.httpPorts(), credentials.storefrontKey(), credentials.storefront(),
            new Shoppers.Sale(List.copyOf(skus.keySet()), customers, holdSeconds, confirmFraction, cancelFraction), seed);
        final List<Failover> failovers;
        try
        {
            out.printf("starting 3 cluster members in %s (cluster UDP ports from %d, HTTP on %d..%d)%n", root, basePort,
                cluster.httpPort(0), cluster.httpPort(LocalCluster.MEMBERS - 1));
            out.flush();
            final long startNs = System.nanoTime();
            for (int m = 0; m < LocalCluster.MEMBERS; m++)
            {
                cluster.start(m);
            }
            for (int m = 0; m < LocalCluster.MEMBERS; m++)
            {
                cluster.awaitStarted(m, START_WAIT_MS);
            }
            final List<String> notJoined = cluster.awaitJoined(START_WAIT_MS);
            if (!notJoined.isEmpty())
            {
                throw new IllegalStateException("members not following the cluster's log " + START_WAIT_MS +
                    " ms after they were ready: " + String.join(", ", notJoined));
            }
            final int leader = cluster.awaitLeader(START_WAIT_MS);
            out.printf("3 members ready in %d ms; member %d leads%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
                leader);
            createSkus(cluster, credentials.adminKey(), skus);
            final long termAtStart = cluster.leadershipTerm(); // start-up may take several ballots: count from here
            shopping.start(shoppers, seed);
            out.printf("%d shoppers reserving through all three gateways%n", shoppers);
            out.flush();
            failovers = new LeaderKills(cluster, shopping, out, loseDisk, newAddress)
                .run(kills, TimeUnit.SECONDS.toMillis(killEverySeconds));
            Thread.sleep(TimeUnit.SECONDS.toMillis(killEverySeconds));
            shopping.stop();
            out.println("shoppers: " + shopping.summary());
            out.println(new Settling(cluster).await(TimeUnit.SECONDS.toMillis(holdSeconds + 15L)));
            final long elections = cluster.leadershipTerm() - termAtStart;
            out.printf("leadership terms during the sale: %d for %d kill(s)%s%n", elections, failovers.size(),
                elections > failovers.size() ? ": " + (elections - failovers.size()) + " more than the kills needed, an" +
                    " election on a live leader (timeouts too tight for this machine's load?)" : "");
            final List<String> killed = cluster.stop(TimeUnit.SECONDS.toMillis(stopTimeoutSeconds));
            out.println(killed.isEmpty() ? "members stopped on SIGTERM" : String.join("\n", killed));
            final List<String> restarts = cluster.restarts();
            out.println(restarts.isEmpty() ? "no member exited on its own" : restarts.size() +
                " time(s) a member exited on its own and was started again (above)");
        }
        catch (final Exception | Error ex)
        {
            cluster.killAll();
            out.printf("the demo failed; logs and data kept in %s%n", root);
            out.flush();
            throw ex;
        }
        out.println();
        printFailovers(out, failovers);
        final List<MemberReport> members = new ArrayList<>();
        for (int m = 0; m < LocalCluster.MEMBERS; m++)
        {
            members.add(MemberJournal.read(m, cluster.dataDirectory(m)));
        }
        final boolean passed = new ClusterDemoChecks(skus, kills, failovers, shopping.acknowledged(), members,
            shopping.unexpected()).print(out);
        if (temporary && passed)
        {
            DemoDirectories.deleteRecursively(root);
        }
        else
        {
            if (!passed)
            {
                for (int m = 0; m < LocalCluster.MEMBERS; m++)
                {
                    out.printf("%nmember %d's last warnings and errors:%n%s%n", m, cluster.lastProblems(m, PROBLEM_LINES));
                }
            }
            out.printf("%nmembers' data and logs in %s: try 'flashsale journal stats --data-dir %s'%n", root,
                cluster.dataDirectory(0));
        }
        out.flush();
        return passed ? FlashsaleCommand.EXIT_OK : FlashsaleCommand.EXIT_FAILED;
    }

    private void validate()
    {
        if (basePort < 1024 || basePort + LocalCluster.HTTP_PORT_OFFSET + LocalCluster.MEMBERS > 65_535)
        {
            throw new IllegalArgumentException("--base-port " + basePort + " must leave base-port .. base-port+" +
                (LocalCluster.HTTP_PORT_OFFSET + LocalCluster.MEMBERS) + " inside 1024..65535");
        }
        require(kills >= 0, "--kills must be 0 or more: " + kills);
        require(killEverySeconds >= 1, "--kill-every must be at least 1 second: " + killEverySeconds);
        require(shoppers >= 1 && shoppers <= 256, "--shoppers must be 1..256: " + shoppers);
        require(stock >= 1, "--stock must be at least 1: " + stock);
        require(customers >= 1, "--customers must be at least 1: " + customers);
        require(holdSeconds >= 1 && holdSeconds <= 3_600, "--hold-seconds must be 1..3600: " + holdSeconds);
        require(confirmFraction >= 0 && cancelFraction >= 0 && confirmFraction + cancelFraction <= 1,
            "--confirm-fraction and --cancel-fraction must be 0 or more and add up to at most 1");
        require(stopTimeoutSeconds >= 1, "--stop-timeout must be at least 1 second: " + stopTimeoutSeconds);
        if (configFile != null && !Files.isReadable(configFile))
        {
            throw new IllegalArgumentException("--config " + configFile + " cannot be read");
        }
        require(!newAddress || MemberNames.loopbackRangeUsable(), "--new-address needs every address of 127.0.0.0/8 on the" +
            " loopback interface (Linux); this machine cannot bind " + MemberNames.PROBE_ADDRESS);
        require(!newAddress || kills <= MemberNames.MAX_MOVES, "--new-address gives each kill a new loopback address:" +
            " at most " + MemberNames.MAX_MOVES + " kills with it, not " + kills);
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    /** Creates the SKUs through the leader's gateway, retrying a 503 while the gateways find the leader. */
    static void createSkus(final LocalCluster cluster, final String adminKey, final Map<String, Integer> skus)
        throws IOException, InterruptedException
    {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (final Map.Entry<String, Integer> sku : skus.entrySet())
        {
            final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort(0) +
                    "/v1/admin/skus/" + sku.getKey())).timeout(Duration.ofSeconds(15))
                .header("X-Api-Key", adminKey).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":" + sku.getValue() + ",\"perCustomerLimit\":2," +
                    "\"priceMinor\":500,\"currency\":\"EUR\"}")).build();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            while (answer.statusCode() == 503 && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(100);
                answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            if (answer.statusCode() != 200)
            {
                throw new IllegalStateException("creating " + sku.getKey() + " answered " + answer.statusCode() + ": " +
                    answer.body());
            }
        }
    }

    private static void printFailovers(final PrintWriter out, final List<Failover> failovers)
    {
        final long[] times = failovers.stream().filter(Failover::failedOver).mapToLong(Failover::failoverMs).sorted().toArray();
        for (final Failover failover : failovers)
        {
            out.printf("failover %d: member %d killed, member %d led; first reserve acknowledged after %s%n", failover.kill(),
                failover.killedMember(), failover.newLeader(), failover.failedOver() ? failover.failoverMs() + " ms" :
                    "NONE within " + LeaderKills.FAILOVER_WAIT_MS + " ms");
        }
        if (times.length > 0)
        {
            out.printf("failover over %d kill(s): median %d ms, min %d ms, max %d ms%n", times.length, median(times), times[0],
                times[times.length - 1]);
        }
        out.println();
    }

    /** @return the median of sorted values (the mean of the middle two for an even count). */
    static long median(final long[] sorted)
    {
        final int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
