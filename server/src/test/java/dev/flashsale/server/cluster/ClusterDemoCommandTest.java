package dev.flashsale.server.cluster;

import dev.flashsale.server.FlashsaleCommand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flashsale cluster-demo --kills 1 --lose-disk --new-address} as a user runs it: three member
 * processes that reach each other by name, a sale, the leader killed and replaced as a lost machine
 * is (an empty data directory, a new address under the same name, the others not restarted); exit 0
 * and every check printed as passed. Restarts with their history are ClusterChaosTest's.
 */
@Tag("slow")
class ClusterDemoCommandTest
{
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aLeaderReplacedAtANewAddressLosesNothingAndEveryCheckPasses(@TempDir(cleanup = CleanupMode.ON_SUCCESS) final Path work) throws Exception
    {
        final long seed = System.nanoTime();
        final int basePort = freeBasePort(new Random(seed), 22_000);
        final Path config = work.resolve("small.properties");
        // smaller tables than the defaults: three members start faster on a small machine, and this sale needs few
        Files.writeString(config, String.join("\n",
            "engine.customer-capacity = 100000", "engine.checkout-capacity = 50000", "engine.idempotency-capacity = 50000",
            "read.customers = 10000", "journal.snapshot-every-inputs = 0", ""));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();

        final int exit = FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "cluster-demo",
            "--kills", "1", "--kill-every", "2", "--base-port", Integer.toString(basePort), "--config", config.toString(),
            "--data-dir", work.resolve("cluster").toString(), "--stock", "300", "--customers", "5000", "--hold-seconds", "2",
            "--stop-timeout", "10", "--lose-disk", "--new-address", "--seed", Long.toString(seed));

        final String report = out.toString();
        assertThat(exit).as("seed %d, base port %d:%n%s%s", seed, basePort, report, err).isZero();
        assertThat(report).contains("3 members ready in", "kill 1: leader member", "failover 1: member",
            "ok     every kill of the leader was followed by a reserve acknowledged through a new leader: 1 of 1",
            "ok     nothing acknowledged lost on member 0", "ok     nothing acknowledged lost on member 1",
            "ok     nothing acknowledged lost on member 2", "ok     no oversell", "ok     conservation",
            "ok     the same engine state on all members", "ok     identical input journals on all members",
            "ok     every answer is one the API documents", "all checks passed").doesNotContain("FAILED");
        assertThat(report).containsPattern("first reserve acknowledged after \\d+ ms")
            .containsPattern("member \\d's data directory deleted")
            .containsPattern("member \\d moves: its name now resolves to 127\\.77\\.0\\.4")
            .containsPattern("restarted: ready in \\d+ ms, caught up with the leader \\d+ ms later")
            .containsPattern("CLUSTER-SCARCE sold \\d+, held \\d+, available \\d+ of 300");
        System.out.println(report);
    }

    /** A base port in {@code from .. from+950} whose UDP and TCP ports the demo uses are free now. */
    static int freeBasePort(final Random random, final int from) throws Exception
    {
        search:
        while (true)
        {
            final int base = from + random.nextInt(20) * 50;
            for (int port = base; port <= base + LocalCluster.HTTP_PORT_OFFSET + LocalCluster.MEMBERS; port++)
            {
                try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                     ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
                {
                    udp.getLocalPort();
                    tcp.getLocalPort();
                }
                catch (final java.io.IOException ex)
                {
                    continue search;
                }
            }
            return base;
        }
    }
}
