package dev.flashsale.server.cluster;

import dev.flashsale.server.demo.DemoDirectories;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's kills, while the shoppers shop: wait, kill the leader with SIGKILL, time the failover
 * until a reserve is acknowledged through the new leader, restart the killed member, and wait until
 * its engine has caught up with the leader before the next kill. Prints a line at each step.
 */
final class LeaderKills
{
    static final long FAILOVER_WAIT_MS = 60_000;
    private static final long LEADER_WAIT_MS = 30_000;
    private static final long RESTART_WAIT_MS = 120_000;
    private static final long CATCH_UP_WAIT_MS = 60_000;

    private final LocalCluster cluster;
    private final Shoppers shoppers;
    private final PrintWriter out;
    private final boolean loseDisk;
    private final boolean newAddress;

    /**
     * @param loseDisk   delete a killed member's data directory before restarting it, as if its disk were lost.
     * @param newAddress restart a killed member at a new address under its name ({@link LocalCluster#moveToNewAddress}).
     */
    LeaderKills(final LocalCluster cluster, final Shoppers shoppers, final PrintWriter out, final boolean loseDisk,
        final boolean newAddress)
    {
        this.cluster = cluster;
        this.shoppers = shoppers;
        this.out = out;
        this.loseDisk = loseDisk;
        this.newAddress = newAddress;
    }

    /** @return one failover per kill made; fewer than asked if the cluster stopped failing over. */
    List<Failover> run(final int kills, final long pauseMs) throws IOException, InterruptedException
    {
        final List<Failover> failovers = new ArrayList<>();
        for (int kill = 1; kill <= kills; kill++)
        {
            Thread.sleep(pauseMs);
            final int leader = cluster.awaitLeader(LEADER_WAIT_MS);
            if (leader < 0)
            {
                out.printf("kill %d: no member leads after %d ms; no more kills%n", kill, LEADER_WAIT_MS);
                break;
            }
            final java.time.Instant killedAt = java.time.Instant.now();
            final long killNs = System.nanoTime();
            final long goneNs = cluster.kill(leader);
            out.printf("kill %d: leader member %d killed with SIGKILL at %s (gone after %d ms)%n", kill, leader, killedAt,
                TimeUnit.NANOSECONDS.toMillis(goneNs - killNs));
            out.flush();
            final long firstAckNs = awaitReserveAcknowledgedAfter(goneNs);
            final int newLeader = cluster.awaitLeader(LEADER_WAIT_MS);
            if (firstAckNs == 0)
            {
                out.printf("  no reserve acknowledged within %d ms of the kill; no more kills%n", FAILOVER_WAIT_MS);
                failovers.add(new Failover(kill, leader, newLeader, -1, -1, -1));
                break;
            }
            final long failoverMs = TimeUnit.NANOSECONDS.toMillis(firstAckNs - killNs);
            out.printf("  failover %d ms: first reserve acknowledged through the new leader, member %d%n", failoverMs,
                newLeader);
            out.flush();
            if (loseDisk)
            {
                DemoDirectories.deleteRecursively(cluster.dataDirectory(leader));
                out.printf("  member %d's data directory deleted: it comes back empty and must rebuild from the others%n",
                    leader);
            }
            if (newAddress)
            {
                out.printf("  member %d moves: its name now resolves to %s; the others are not told%n", leader,
                    cluster.moveToNewAddress(leader));
            }
            final long restartMs = cluster.startAndAwaitReady(leader, RESTART_WAIT_MS);
            final long catchUpMs = awaitCaughtUp(leader, newLeader);
            out.printf("  member %d restarted: ready in %d ms, caught up with the leader %d ms later%n", leader, restartMs,
                catchUpMs);
            out.flush();
            failovers.add(new Failover(kill, leader, newLeader, failoverMs, restartMs, catchUpMs));
            if (catchUpMs < 0)
            {
                out.printf("  member %d did not catch up within %d ms; no more kills%n", leader, CATCH_UP_WAIT_MS);
                break;
            }
        }
        return failovers;
    }

    /** @return when the first reserve answered 201 after {@code afterNs} arrived; 0 if none within the wait. */
    private long awaitReserveAcknowledgedAfter(final long afterNs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FAILOVER_WAIT_MS);
        while (shoppers.latestReserveAckNs() - afterNs <= 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return 0;
            }
            Thread.sleep(1);
        }
        long first = Long.MAX_VALUE;
        for (final Acknowledged ack : shoppers.acknowledged())
        {
            if (ack.kind() == Acknowledged.Kind.RESERVE && ack.receivedNs() - afterNs > 0 && ack.receivedNs() < first)
            {
                first = ack.receivedNs();
            }
        }
        return first;
    }

    /**
     * Reads the input the leader has applied now, then waits until the member has applied it too.
     *
     * @return milliseconds waited, or -1 if it did not within the wait.
     */
    private long awaitCaughtUp(final int member, final int leader) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        final long deadline = startNs + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_WAIT_MS);
        final long target = cluster.appliedSequence(leader);
        while (System.nanoTime() - deadline < 0)
        {
            if (target >= 0 && cluster.appliedSequence(member) >= target)
            {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            }
            Thread.sleep(20);
        }
        return -1;
    }
}
