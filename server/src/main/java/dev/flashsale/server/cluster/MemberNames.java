package dev.flashsale.server.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Members of the local cluster reached by name, as on machines with DNS (deploy/k8s/cluster.yaml lists
 * the members' names): {@code flashsale-member-M} resolves to a loopback address of its own through a
 * hosts file every member's JVM reads instead of the system's ({@code -Djdk.net.hosts.file}), and
 * {@link #move} points a member's name at a new address, as a replacement machine or a rescheduled pod
 * gets a new IP while its name stays. The other members are not told: they resolve the name again.
 *
 * <p>Linux only: every address of 127.0.0.0/8 is on the loopback interface there. Member {@code m}
 * starts at {@code 127.77.0.(m + 1)}; each move takes the next unused last byte, up to {@code .253}
 * ({@code .254} is the probe of {@link #loopbackRangeUsable}).
 */
final class MemberNames
{
    private static final String PREFIX = "127.77.0.";
    private static final int LAST_BYTE = 253;
    static final String PROBE_ADDRESS = PREFIX + "254";
    /** Moves the addresses allow after the members' first ones ({@code 127.77.0.1} .. {@code .3}). */
    static final int MAX_MOVES = LAST_BYTE - LocalCluster.MEMBERS;

    private final Path hostsFile;
    private final int[] lastByte;
    private int nextByte;

    /** Writes the hosts file for {@code members} members, each at an address of its own. */
    MemberNames(final Path hostsFile, final int members)
    {
        this.hostsFile = hostsFile.toAbsolutePath();
        this.lastByte = new int[members];
        for (int m = 0; m < members; m++)
        {
            lastByte[m] = m + 1;
        }
        this.nextByte = members + 1;
        write();
    }

    /** @return whether this machine binds addresses of 127.0.0.0/8 other than 127.0.0.1 (Linux does; macOS, without aliases, does not). */
    static boolean loopbackRangeUsable()
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(PROBE_ADDRESS, 0)))
        {
            return socket.getLocalPort() > 0;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static String name(final int member)
    {
        return "flashsale-member-" + member;
    }

    /** @return the value of {@code cluster.members}: {@code 0=flashsale-member-0,...}. */
    String members()
    {
        final StringBuilder text = new StringBuilder();
        for (int m = 0; m < lastByte.length; m++)
        {
            text.append(m == 0 ? "" : ",").append(m).append('=').append(name(m));
        }
        return text.toString();
    }

    /** @return the JVM option that makes a member resolve names through this hosts file. */
    List<String> jvmOptions()
    {
        return List.of("-Djdk.net.hosts.file=" + hostsFile);
    }

    /**
     * Points the member's name at an address it never had; a member started from now on listens there.
     *
     * @return the new address.
     */
    synchronized String move(final int member)
    {
        if (nextByte > LAST_BYTE)
        {
            throw new IllegalStateException("no loopback address left for member " + member);
        }
        lastByte[member] = nextByte++;
        write();
        return PREFIX + lastByte[member];
    }

    /** Replaces the file in one rename, so that a member never reads half of it. */
    private synchronized void write()
    {
        final StringBuilder text = new StringBuilder("# flashsale cluster-demo: the members' names (MemberNames)\n");
        // names the JVM itself may look up: without them a hosts file of its own would fail them
        text.append("127.0.0.1 localhost ").append(localHostName()).append('\n');
        for (int m = 0; m < lastByte.length; m++)
        {
            text.append(PREFIX).append(lastByte[m]).append(' ').append(name(m)).append('\n');
        }
        try
        {
            final Path temporary = hostsFile.resolveSibling(hostsFile.getFileName() + ".new");
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            Files.move(temporary, hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the members' hosts file " + hostsFile, ex);
        }
    }

    private static String localHostName()
    {
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final IOException ex)
        {
            return "localhost";
        }
    }
}
