package dev.flashsale.server.node;

import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.server.config.FlashsaleConfig;
import io.aeron.cluster.service.Cluster;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member whose engine service fails does not linger half alive. The failure used is a real
 * operating one: the follower's input journal directory disappears (a file stands in its place), so
 * its journaller refuses the next input. In one JVM (three {@link ClusterGatewayNode}s): {@code ClusterNode.failure()}
 * completes with the reason, the member's {@code /health/ready} answers 503 naming it, and the
 * other two go on taking writes. As processes ({@code flashsale run}): the member logs an ERROR and
 * exits 1.
 */
class ClusterMemberFailureTest
{
    private final ClusterGatewayNode[] nodes = new ClusterGatewayNode[3];
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private Credentials.Generated credentials;

    @AfterEach
    void closeAll()
    {
        CloseHelper.quietCloseAll(nodes);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFollowerWhoseJournalFailsSaysSoAndIsNotReadyWhileTheOthersGoOn(@TempDir final Path directory) throws Exception
    {
        final long seed = System.nanoTime();
        final int basePort = ClusterProcesses.freeBasePort(new Random(seed));
        try
        {
            run(directory, basePort);
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed " + seed + ", cluster.base-port " + basePort + ": " + ex.getMessage(), ex);
        }
    }

    private void run(final Path directory, final int basePort) throws Exception
    {
        final Credentials[] loaded = new Credentials[1];
        final Path credentialsFile = directory.resolve("credentials.properties");
        credentials = Credentials.loadOrCreate(credentialsFile, loaded);
        final CompletableFuture<?>[] starting = new CompletableFuture<?>[nodes.length];
        for (int id = 0; id < nodes.length; id++) // at once: each start waits for its service, which needs the others
        {
            final FlashsaleConfig config = FlashsaleConfig.load(null, environment(directory, credentialsFile, basePort, id));
            final int member = id;
            starting[id] = CompletableFuture.runAsync(() ->
                nodes[member] = ClusterGatewayNode.start(config, loaded[0], new SystemEpochClock()));
        }
        CompletableFuture.allOf(starting).get(90, TimeUnit.SECONDS);
        for (int id = 0; id < nodes.length; id++)
        {
            awaitReady(id);
        }
        final int leader = leader();
        final int victim = (leader + 1) % nodes.length;
        assertThat(putSku(leader, "BEFORE").statusCode()).isEqualTo(200);

        final Path inputs = directory.resolve("member-" + victim).resolve("inputs");
        breakJournal(inputs);
        final CompletableFuture<String> failure = nodes[victim].member().failure();
        for (int n = 0; !failure.isDone() && n < 300; n++)
        {
            assertThat(putSku(leader, "AFTER-" + n).statusCode()).isEqualTo(200);
            Thread.sleep(20);
        }
        assertThat(failure.get(30, TimeUnit.SECONDS)).startsWith("the engine service stopped; the last input it applied is");
        assertThat(nodes[victim].member().failureReason()).isEqualTo(failure.get());

        final HttpResponse<String> ready = send(victim, HttpRequest.newBuilder(uri(victim, "/health/ready")));
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(ready.body()).contains("cluster member " + victim + " failed (the engine service stopped;")
            .doesNotContain(directory.toString());

        assertThat(nodes[leader].member().failureReason()).isNull();
        assertThat(send(leader, HttpRequest.newBuilder(uri(leader, "/health/ready"))).statusCode()).isEqualTo(200);
        assertThat(putSku(leader, "WITH-TWO").statusCode()).as("two members of three still commit").isEqualTo(200);
    }

    @Test
    @Tag("slow")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aMemberProcessWhoseJournalFailsLogsAnErrorAndExitsOne() throws Exception
    {
        final long seed = System.nanoTime();
        final Path work = Path.of("target", "cluster-failure-test", Long.toString(System.currentTimeMillis()));
        final ClusterProcesses cluster = new ClusterProcesses(work, new Random(seed));
        try (cluster)
        {
            cluster.startAll();
            cluster.awaitAllReady();
            final int leader = cluster.leader();
            final int victim = (leader + 2) % ClusterProcesses.MEMBERS;
            final Path inputs = cluster.dataDirectory(victim).resolve("inputs");
            breakJournal(inputs);
            for (int n = 0; cluster.process(victim).isAlive() && n < 300; n++)
            {
                final HttpResponse<String> created = cluster.send(HttpRequest.newBuilder(cluster.uri(leader, "/v1/admin/skus/F-" + n))
                    .header("X-Api-Key", cluster.credentials().adminKey()).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(skuBody())));
                assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
                Thread.sleep(20);
            }
            assertThat(cluster.process(victim).waitFor(30, TimeUnit.SECONDS)).isTrue();
            final String log = Files.readString(cluster.log(victim));
            assertThat(cluster.process(victim).exitValue()).as(log).isEqualTo(1);
            assertThat(log).contains("ERROR").contains("cluster member " + victim + " failed: the engine service stopped;")
                .contains("input journal").contains("Stopping with exit code 1").contains("stopped at input");
            assertThat(cluster.process(leader).isAlive()).isTrue();
            ClusterProcesses.deleteRecursively(cluster.work());
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed " + seed + ", " + cluster.describe() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Moves the input journal's directory away and puts a file in its place: Chronicle would make a
     * new directory there, which would hide the loss from the journaller's check.
     */
    private static void breakJournal(final Path inputs) throws IOException
    {
        Files.move(inputs, inputs.resolveSibling("inputs.gone"));
        Files.writeString(inputs, "not a directory: the test took the input journal away\n");
    }

    private static Map<String, String> environment(final Path directory, final Path credentialsFile, final int basePort,
        final int id)
    {
        final Map<String, String> environment = new HashMap<>();
        environment.put("FLASHSALE_CLUSTER_MEMBER_ID", Integer.toString(id));
        environment.put("FLASHSALE_CLUSTER_MEMBERS", "0=localhost,1=localhost,2=localhost");
        environment.put("FLASHSALE_CLUSTER_BASE_PORT", Integer.toString(basePort));
        environment.put("FLASHSALE_CLUSTER_TERM_LENGTH_BYTES", Integer.toString(256 * 1024));
        environment.put("FLASHSALE_JOURNAL_DATA_DIR", directory.resolve("member-" + id).toString());
        environment.put("FLASHSALE_GATEWAY_PORT", "0");
        environment.put("FLASHSALE_GATEWAY_CREDENTIALS_FILE", credentialsFile.toString());
        environment.put("FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1");
        environment.put("FLASHSALE_GATEWAY_IO_THREADS", "1");
        environment.put("FLASHSALE_JOURNAL_SNAPSHOT_EVERY_INPUTS", "0");
        environment.put("FLASHSALE_JOURNAL_MIN_FREE_BYTES", "0");
        environment.put("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "1000");
        environment.put("FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "1000");
        environment.put("FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "1000");
        environment.put("FLASHSALE_READ_CUSTOMERS", "1000");
        return environment;
    }

    private int leader() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            for (int id = 0; id < nodes.length; id++)
            {
                if (nodes[id].member().service().role() == Cluster.Role.LEADER)
                {
                    return id;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no member leads");
    }

    private void awaitReady(final int id) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (send(id, HttpRequest.newBuilder(uri(id, "/health/ready"))).statusCode() != 200)
        {
            assertThat(System.nanoTime() - deadline).as("member %d ready", id).isNegative();
            Thread.sleep(20);
        }
    }

    private HttpResponse<String> putSku(final int member, final String sku) throws IOException, InterruptedException
    {
        return send(member, HttpRequest.newBuilder(uri(member, "/v1/admin/skus/" + sku))
            .header("X-Api-Key", credentials.adminKey()).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(skuBody())));
    }

    private static String skuBody()
    {
        return "{\"totalStock\":10,\"perCustomerLimit\":5,\"priceMinor\":500,\"currency\":\"EUR\"}";
    }

    private HttpResponse<String> send(final int member, final HttpRequest.Builder request) throws IOException, InterruptedException
    {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final int member, final String path)
    {
        return URI.create("http://127.0.0.1:" + nodes[member].gateway().port() + path);
    }
}
