package dev.flashsale.server.node;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member's data directory is its own: three {@code flashsale run} members; a second process on a
 * live member's directory is refused at once (exit 2, the message names the holder) and the member
 * is untouched; a follower killed with SIGKILL is restarted at once on the mark files its dead
 * process left, rejoins, and catches up with the inputs written while it was down and after.
 */
@Tag("slow")
class ClusterRestartTest
{
    private static final Pattern APPLIED = Pattern.compile("\nflashsale_inputs_applied_total (\\d+)\n");

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aKilledMemberRestartsAtOnceAndASecondProcessOnItsDirectoryIsRefused() throws Exception
    {
        final long seed = System.nanoTime();
        final Path work = Path.of("target", "cluster-restart-test", Long.toString(System.currentTimeMillis()));
        final ClusterProcesses cluster = new ClusterProcesses(work, new Random(seed));
        try (cluster)
        {
            cluster.startAll();
            cluster.awaitAllReady();
            final int leader = cluster.leader();
            final int victim = (leader + 1) % ClusterProcesses.MEMBERS;
            createSkus(cluster, leader, 0, 10);
            awaitSameAppliedInput(cluster);

            final Path intruderLog = cluster.work().resolve("intruder.log");
            final Process intruder = cluster.processBuilder(victim).redirectOutput(intruderLog.toFile()).start();
            try
            {
                assertThat(intruder.waitFor(60, TimeUnit.SECONDS)).as("a second process on a live data directory ends").isTrue();
            }
            finally
            {
                intruder.destroyForcibly();
            }
            assertThat(intruder.exitValue()).as(Files.readString(intruderLog)).isEqualTo(2);
            assertThat(Files.readString(intruderLog)).contains("a node is running on").contains("stop it first");
            assertThat(cluster.process(victim).isAlive()).isTrue();
            cluster.awaitReady(victim);

            cluster.process(victim).destroyForcibly(); // SIGKILL
            assertThat(cluster.process(victim).waitFor(30, TimeUnit.SECONDS)).isTrue();
            createSkus(cluster, leader, 10, 20); // while it is down
            final long restartNs = System.nanoTime();
            cluster.start(victim);
            cluster.awaitReady(victim);
            System.out.printf("cluster member %d ready %d ms after its restart following kill -9%n", victim,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs));
            assertThat(Files.readString(cluster.log(victim))).contains("cluster-mark.dat: left by this member's previous process");
            createSkus(cluster, leader, 20, 30);
            final long applied = awaitSameAppliedInput(cluster);
            assertThat(applied).isGreaterThanOrEqualTo(30);
            ClusterProcesses.deleteRecursively(cluster.work());
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed " + seed + ", " + cluster.describe() + ": " + ex.getMessage(), ex);
        }
    }

    private static void createSkus(final ClusterProcesses cluster, final int member, final int from, final int to)
        throws IOException, InterruptedException
    {
        for (int n = from; n < to; n++)
        {
            final HttpResponse<String> created = cluster.send(HttpRequest.newBuilder(cluster.uri(member, "/v1/admin/skus/R-" + n))
                .header("X-Api-Key", cluster.credentials().adminKey()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":10,\"perCustomerLimit\":5," +
                    "\"priceMinor\":500,\"currency\":\"EUR\"}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        }
    }

    /** @return the input every member applied, once all say the same one. */
    static long awaitSameAppliedInput(final ClusterProcesses cluster) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        final long[] applied = new long[ClusterProcesses.MEMBERS];
        while (true)
        {
            for (int id = 0; id < ClusterProcesses.MEMBERS; id++)
            {
                final Matcher matcher = APPLIED.matcher(cluster.metrics(id));
                assertThat(matcher.find()).isTrue();
                applied[id] = Long.parseLong(matcher.group(1));
            }
            if (applied[0] == applied[1] && applied[1] == applied[2])
            {
                return applied[0];
            }
            assertThat(System.nanoTime() - deadline).as("members applied %s", java.util.Arrays.toString(applied)).isNegative();
            Thread.sleep(100);
        }
    }
}
