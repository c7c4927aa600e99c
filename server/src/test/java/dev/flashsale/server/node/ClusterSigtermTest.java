package dev.flashsale.server.node;

import dev.flashsale.engine.pipeline.PipelineConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM stops a cluster member in order: three {@code flashsale run} members, a SKU written
 * through the cluster, then each member (the leader first) gets SIGTERM and must exit 0 within
 * {@code pipeline.shutdown-timeout-ms}, its log saying it stopped. Aeron's consensus module replaces
 * the JVM's signal handling when it starts ({@link StopSignals}); before that was undone a member
 * ignored SIGTERM.
 */
@Tag("slow")
class ClusterSigtermTest
{
    private static final long SHUTDOWN_TIMEOUT_MS = new PipelineConfig().shutdownTimeoutMs();

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void everyMemberExitsZeroSoonAfterSigterm() throws Exception
    {
        final long seed = System.nanoTime();
        final Path work = Path.of("target", "cluster-sigterm-test", Long.toString(System.currentTimeMillis()));
        final ClusterProcesses cluster = new ClusterProcesses(work, new Random(seed));
        try (cluster)
        {
            cluster.startAll();
            cluster.awaitAllReady();
            final int leader = cluster.leader();
            final HttpResponse<String> created = cluster.send(HttpRequest.newBuilder(cluster.uri(leader, "/v1/admin/skus/TERM-A"))
                .header("X-Api-Key", cluster.credentials().adminKey()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":10,\"perCustomerLimit\":5," +
                    "\"priceMinor\":500,\"currency\":\"EUR\"}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

            for (int step = 0; step < ClusterProcesses.MEMBERS; step++)
            {
                final int id = (leader + step) % ClusterProcesses.MEMBERS;
                final Process member = cluster.process(id);
                final long sentNs = System.nanoTime();
                member.destroy(); // SIGTERM
                assertThat(member.waitFor(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS))
                    .as("member %d exits within pipeline.shutdown-timeout-ms (%d ms) of SIGTERM: %s", id, SHUTDOWN_TIMEOUT_MS,
                        Files.readString(cluster.log(id))).isTrue();
                System.out.printf("cluster member %d (%s) exited %d, %d ms after SIGTERM%n", id, id == leader ? "leader" : "follower",
                    member.exitValue(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs));
                final String log = Files.readString(cluster.log(id));
                assertThat(member.exitValue()).as("exit code of member %d: %s", id, log).isZero();
                assertThat(log).contains("SIGTERM received").contains("stopping cluster member " + id)
                    .containsPattern("stopped at input [1-9]");
            }
            ClusterProcesses.deleteRecursively(cluster.work());
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed " + seed + ", " + cluster.describe() + ": " + ex.getMessage(), ex);
        }
    }
}
