package dev.flashsale.server;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.journal.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FlashsaleCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        return FlashsaleCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpListsTheCommandsAndExitCodes()
    {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: flashsale", "demo", "plot", "Exit codes:", "bad usage");
    }

    @Test
    void versionNamesTheBuildAndTheJava()
    {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("flashsale ").contains("Java ");
    }

    @Test
    void noCommandIsAUsageError()
    {
        assertThat(run()).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("a command is required");
    }

    @Test
    void unknownOptionsAndBadValuesAreUsageErrors()
    {
        assertThat(run("demo", "--no-such-option")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(run("demo", "--stock", "ten")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(run("demo", "--stock", "0")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--stock must be at least 1");
        assertThat(run("demo", "--hold-seconds", "0")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("outside the engine's bounds");
        assertThat(run("demo", "--confirm-fraction", "0.9", "--cancel-fraction", "0.2")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("must add up to at most 1");
        assertThat(run("demo", "--connections", "0")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(run("loadgen", "--scenario", "nope")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--scenario must be hot, spread or hello");
        assertThat(run("run", "--port", "70000")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("gateway config port=70000");
        assertThat(run("reference", "--io-threads", "0")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("reference server ioThreads=0: must be 1..64");
        assertThat(run("reference", "--capacity", "0")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
    }

    @Test
    void moreKillsThanNewAddressesIsAUsageErrorBeforeAnythingStarts()
    {
        assertThat(run("cluster-demo", "--new-address", "--kills", "1000")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--new-address");
    }

    @Test
    void aMissingConfigurationFileIsAUsageError()
    {
        assertThat(run("demo", "--config", "/no/such/file.properties")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("/no/such/file.properties does not exist");
    }

    @Test
    void aBadClusterConfigurationStopsRunWithAUsageErrorBeforeAnythingIsWritten(@TempDir final Path directory)
        throws IOException
    {
        final Path file = Files.writeString(directory.resolve("cluster.properties"),
            "cluster.member-id=5\ncluster.members=0=localhost,1=localhost\n");
        final Path data = directory.resolve("data");
        assertThat(run("run", "--config", file.toString(), "--data-dir", data.toString())).isEqualTo(FlashsaleCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("cluster.member-id 5 is not one of cluster.members [0, 1]");
        assertThat(data).doesNotExist();
    }

    @Test
    void aClusterPortInUseStopsRunWithAUsageErrorThatNamesIt(@TempDir final Path directory) throws IOException
    {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            // member 0 listens on base + 1 .. base + 5: its archive control port (base + 1) is the one taken
            final int basePort = taken.getLocalPort() - 1;
            final Path file = Files.writeString(directory.resolve("cluster.properties"),
                "cluster.member-id=0\ncluster.members=0=127.0.0.1,1=127.0.0.1,2=127.0.0.1\ncluster.base-port=" + basePort + "\n");
            assertThat(run("run", "--config", file.toString(), "--data-dir", directory.resolve("data").toString(), "--port", "0"))
                .isEqualTo(FlashsaleCommand.EXIT_USAGE);
            assertThat(err.toString()).contains("cluster member 0 cannot listen on UDP 127.0.0.1:" + taken.getLocalPort())
                .contains("cluster.base-port " + basePort).doesNotContain("\tat ");
        }
    }

    @Test
    void runOnADataDirectoryAnotherNodeHoldsIsRefusedAtOnceWithAUsageError(@TempDir final Path directory)
    {
        final Path data = directory.resolve("data");
        try (DataDirectory.NodeLock held = DataDirectory.lockForNode(data, new EngineConfig()))
        {
            assertThat(run("run", "--data-dir", data.toString(), "--port", "0")).isEqualTo(FlashsaleCommand.EXIT_USAGE);
            assertThat(err.toString()).contains("a node is running on " + data).doesNotContain("\tat ");
            assertThat(held.isHeld()).isTrue();
        }
    }
}
