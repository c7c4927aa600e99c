package dev.flashsale.server.node;

import dev.flashsale.server.FlashsaleCommand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded restart: with {@code journal.snapshot-every-inputs} set, the leader has the cluster take
 * snapshots and every member also writes each one in its data directory, as a standalone node does.
 * A follower stopped after some snapshots and restarted starts from the cluster snapshot and catches
 * up; at the end {@code flashsale journal verify} accepts each member's directory (snapshots
 * reproduced by a replay from scratch) and all three reach the same state hash.
 */
@Tag("slow")
class ClusterSnapshotTest
{
    private static final int SNAPSHOT_EVERY_INPUTS = 20;
    private static final Pattern FROM_CLUSTER_SNAPSHOT = Pattern.compile("engine at input (\\d+) \\(from the cluster snapshot\\)");
    private static final Pattern STATE_HASH = Pattern.compile("state hash ([0-9a-f]{16})");

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aRestartedMemberStartsFromTheSnapshotAndEndsWithTheSameState() throws Exception
    {
        final long seed = System.nanoTime();
        final Path work = Path.of("target", "cluster-snapshot-test", Long.toString(System.currentTimeMillis()));
        final ClusterProcesses cluster = new ClusterProcesses(work, new Random(seed))
            .environment("FLASHSALE_JOURNAL_SNAPSHOT_EVERY_INPUTS", Integer.toString(SNAPSHOT_EVERY_INPUTS));
        try (cluster)
        {
            cluster.startAll();
            cluster.awaitAllReady();
            final int leader = cluster.leader();
            final int follower = (leader + 1) % ClusterProcesses.MEMBERS;
            createSkus(cluster, leader, 0, 3 * SNAPSHOT_EVERY_INPUTS);
            ClusterRestartTest.awaitSameAppliedInput(cluster);
            awaitSnapshots(cluster.dataDirectory(follower), 2);

            stop(cluster, follower);
            createSkus(cluster, leader, 3 * SNAPSHOT_EVERY_INPUTS, 3 * SNAPSHOT_EVERY_INPUTS + 15); // while it is down
            cluster.start(follower);
            cluster.awaitReady(follower);
            createSkus(cluster, leader, 3 * SNAPSHOT_EVERY_INPUTS + 15, 3 * SNAPSHOT_EVERY_INPUTS + 25);
            final long applied = ClusterRestartTest.awaitSameAppliedInput(cluster);
            assertThat(applied).isGreaterThanOrEqualTo(3 * SNAPSHOT_EVERY_INPUTS + 25);

            final Matcher restart = FROM_CLUSTER_SNAPSHOT.matcher(Files.readString(cluster.log(follower)));
            assertThat(restart.find()).as("the restarted member started from a cluster snapshot").isTrue();
            assertThat(Long.parseLong(restart.group(1))).isGreaterThanOrEqualTo(SNAPSHOT_EVERY_INPUTS);
            assertThat(cluster.metrics(leader)).containsPattern("\nflashsale_cluster_snapshots_total [1-9]");
            for (int id = 0; id < ClusterProcesses.MEMBERS; id++)
            {
                final String metrics = cluster.metrics(id);
                assertThat(metrics).as("the engine's metrics on member %d, from its own engine", id)
                    .contains("\nflashsale_skus " + (3 * SNAPSHOT_EVERY_INPUTS + 25) + "\n")
                    .containsPattern("\nflashsale_sku_units\\{sku=\"S-\\d+\",state=\"available\"} 10\n")
                    .containsPattern("\nflashsale_cluster_commit_position_bytes [1-9]")
                    .containsPattern("\nflashsale_cluster_leadership_term_id \\d")
                    .contains("flashsale_cluster_member_role{role=\"" + (id == leader ? "leader" : "follower") + "\"} 1");
            }

            for (int id = 0; id < ClusterProcesses.MEMBERS; id++)
            {
                stop(cluster, id);
            }
            final Set<String> hashes = new HashSet<>();
            for (int id = 0; id < ClusterProcesses.MEMBERS; id++)
            {
                final StringWriter out = new StringWriter();
                final StringWriter err = new StringWriter();
                final int exit = FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                    "journal", "verify", "--data-dir", cluster.dataDirectory(id).toString());
                assertThat(exit).as("journal verify of member %d: %s%s", id, out, err).isZero();
                assertThat(out.toString()).containsPattern("[1-9]\\d* snapshot\\(s\\) reproduced");
                final Matcher hash = STATE_HASH.matcher(out.toString());
                assertThat(hash.find()).as(out.toString()).isTrue();
                hashes.add(hash.group(1));
            }
            assertThat(hashes).as("the members' state hashes after a replay of their journals").hasSize(1);
            ClusterProcesses.deleteRecursively(cluster.work());
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed " + seed + ", " + cluster.describe() + ": " + ex.getMessage(), ex);
        }
    }

    private static void stop(final ClusterProcesses cluster, final int id) throws Exception
    {
        final Process member = cluster.process(id);
        if (!member.isAlive())
        {
            return;
        }
        member.destroy(); // SIGTERM
        assertThat(member.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(member.exitValue()).as(Files.readString(cluster.log(id))).isZero();
    }

    private static void awaitSnapshots(final Path dataDirectory, final int count) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try (Stream<Path> files = Files.list(dataDirectory.resolve("snapshots")))
            {
                if (files.filter(f -> f.getFileName().toString().endsWith(".snap")).count() >= count)
                {
                    return;
                }
            }
            assertThat(System.nanoTime() - deadline).as("%d snapshots in %s", count, dataDirectory).isNegative();
            Thread.sleep(100);
        }
    }

    private static void createSkus(final ClusterProcesses cluster, final int member, final int from, final int to)
        throws IOException, InterruptedException
    {
        for (int n = from; n < to; n++)
        {
            final HttpResponse<String> created = cluster.send(HttpRequest.newBuilder(cluster.uri(member, "/v1/admin/skus/S-" + n))
                .header("X-Api-Key", cluster.credentials().adminKey()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":10,\"perCustomerLimit\":5," +
                    "\"priceMinor\":500,\"currency\":\"EUR\"}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        }
    }
}
