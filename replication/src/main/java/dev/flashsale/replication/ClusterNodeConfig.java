package dev.flashsale.replication;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One cluster member's configuration, validated once with {@link #validate()} before anything starts.
 *
 * <p>Ports: member {@code m} listens on {@code basePort + m * PORTS_PER_MEMBER + offset}, one offset
 * per endpoint ({@link #ARCHIVE_CONTROL_PORT_OFFSET} ...), so three members fit on one machine and a
 * firewall rule is one range per member.
 *
 * <p>Failover timeouts: with Aeron's defaults a leader's loss took 11 s to elect a new one
 * (../shared/STACK.md). A failover is the leader heartbeat timeout (followers notice the silence),
 * then the election (a canvass until the survivors have each other's positions, a random nomination
 * delay of up to half the election timeout, a ballot that waits the whole election timeout while a
 * member is dead, the new leader's log), then the gateway's resend. 500 ms / 50 ms / 100 ms: 0.8-0.9 s
 * from a kill -9 to the first answer through the new leader on the shared 2-core dev machine, with
 * members under ZGC ({@link ClusterNode#JVM_OPTIONS}): a member's stop-the-world pause longer than the
 * heartbeat timeout deposes a live leader, and G1's reached 1.5 s there (docs/BENCHMARKS.md, "Failover").
 */
public final class ClusterNodeConfig
{
    public static final int PORTS_PER_MEMBER = 10;
    public static final int ARCHIVE_CONTROL_PORT_OFFSET = 1;
    public static final int INGRESS_PORT_OFFSET = 2;
    public static final int CONSENSUS_PORT_OFFSET = 3;
    public static final int LOG_PORT_OFFSET = 4;
    public static final int CATCHUP_PORT_OFFSET = 5;

    /** A member of the cluster: its id and the host the others and the clients reach it on. */
    public record Member(int id, String host)
    {
    }

    private int memberId = -1;
    private final List<Member> members = new ArrayList<>();
    private Path dataDirectory;
    private int basePort = 20_000;
    private long leaderHeartbeatTimeoutMs = 500;
    private long leaderHeartbeatIntervalMs = 50;
    private long electionTimeoutMs = 100;
    private long idleMaxParkUs = 1_000;
    private int termLengthBytes = 1 << 20;

    public int memberId()
    {
        return memberId;
    }

    public ClusterNodeConfig memberId(final int memberId)
    {
        this.memberId = memberId;
        return this;
    }

    public List<Member> members()
    {
        return List.copyOf(members);
    }

    public ClusterNodeConfig member(final int id, final String host)
    {
        members.add(new Member(id, host));
        return this;
    }

    /** The member's data directory: its journals at the top, as a standalone node's, and Aeron's under {@code aeron/}. */
    public Path dataDirectory()
    {
        return dataDirectory;
    }

    public ClusterNodeConfig dataDirectory(final Path dataDirectory)
    {
        this.dataDirectory = dataDirectory;
        return this;
    }

    public int basePort()
    {
        return basePort;
    }

    public ClusterNodeConfig basePort(final int basePort)
    {
        this.basePort = basePort;
        return this;
    }

    /** Silence from the leader after which followers start an election. */
    public long leaderHeartbeatTimeoutMs()
    {
        return leaderHeartbeatTimeoutMs;
    }

    public ClusterNodeConfig leaderHeartbeatTimeoutMs(final long leaderHeartbeatTimeoutMs)
    {
        this.leaderHeartbeatTimeoutMs = leaderHeartbeatTimeoutMs;
        return this;
    }

    /** How often the leader says it is alive when there is no log to send. */
    public long leaderHeartbeatIntervalMs()
    {
        return leaderHeartbeatIntervalMs;
    }

    public ClusterNodeConfig leaderHeartbeatIntervalMs(final long leaderHeartbeatIntervalMs)
    {
        this.leaderHeartbeatIntervalMs = leaderHeartbeatIntervalMs;
        return this;
    }

    /** How long an election phase waits for votes before it moves on. */
    public long electionTimeoutMs()
    {
        return electionTimeoutMs;
    }

    public ClusterNodeConfig electionTimeoutMs(final long electionTimeoutMs)
    {
        this.electionTimeoutMs = electionTimeoutMs;
        return this;
    }

    /**
     * How often a member in an election repeats its log position to the others (Aeron's election status
     * interval): a fifth of the election timeout, at most Aeron's 100 ms default. After a leader's loss a
     * follower may nominate itself only once it has heard the other survivor's position, so this interval
     * bounds the canvass; it is derived, not a key of its own.
     */
    public long electionStatusIntervalMs()
    {
        return Math.max(1, Math.min(100, electionTimeoutMs / 5));
    }

    /**
     * Longest park of an idle Aeron thread (driver, archive, consensus module, service): they back
     * off from spinning to yielding to parking up to this, so idle members leave the cores alone.
     */
    public long idleMaxParkUs()
    {
        return idleMaxParkUs;
    }

    public ClusterNodeConfig idleMaxParkUs(final long idleMaxParkUs)
    {
        this.idleMaxParkUs = idleMaxParkUs;
        return this;
    }

    /** Term length of the log, ingress and driver publications: Aeron's 16-64 MiB defaults are sized for big machines. */
    public int termLengthBytes()
    {
        return termLengthBytes;
    }

    public ClusterNodeConfig termLengthBytes(final int termLengthBytes)
    {
        this.termLengthBytes = termLengthBytes;
        return this;
    }

    /**
     * @throws IllegalArgumentException naming what is wrong: no members, a duplicate member id, this
     *     member not among them, ports out of range, timeouts out of order, a bad term length.
     */
    public ClusterNodeConfig validate()
    {
        if (members.isEmpty())
        {
            throw new IllegalArgumentException("cluster.members is empty: list every member as id=host");
        }
        final Set<Integer> ids = new HashSet<>();
        for (final Member member : members)
        {
            if (member.id() < 0)
            {
                throw new IllegalArgumentException("cluster member id " + member.id() + " is negative");
            }
            if (!ids.add(member.id()))
            {
                throw new IllegalArgumentException("cluster member id " + member.id() + " appears twice in cluster.members");
            }
            if (member.host() == null || member.host().isBlank())
            {
                throw new IllegalArgumentException("cluster member " + member.id() + " has no host");
            }
        }
        if (!ids.contains(memberId))
        {
            throw new IllegalArgumentException("cluster.member-id " + memberId + " is not one of cluster.members " + ids);
        }
        if (dataDirectory == null)
        {
            throw new IllegalArgumentException("no data directory for cluster member " + memberId);
        }
        final int highestId = members.stream().mapToInt(Member::id).max().orElseThrow();
        final long highestPort = (long)basePort + (long)highestId * PORTS_PER_MEMBER + PORTS_PER_MEMBER - 1;
        if (basePort < 1024 || highestPort > 65_535)
        {
            throw new IllegalArgumentException("cluster.base-port " + basePort + " puts member " + highestId +
                "'s ports outside 1024..65535");
        }
        if (leaderHeartbeatIntervalMs <= 0 || leaderHeartbeatTimeoutMs <= leaderHeartbeatIntervalMs * 2)
        {
            throw new IllegalArgumentException("cluster.leader-heartbeat-timeout-ms (" + leaderHeartbeatTimeoutMs +
                ") must exceed twice cluster.leader-heartbeat-interval-ms (" + leaderHeartbeatIntervalMs +
                "), else a follower gives up on a live leader");
        }
        if (electionTimeoutMs <= 0 || electionTimeoutMs >= leaderHeartbeatTimeoutMs)
        {
            throw new IllegalArgumentException("cluster.election-timeout-ms (" + electionTimeoutMs + ") must be above 0" +
                " and below cluster.leader-heartbeat-timeout-ms (" + leaderHeartbeatTimeoutMs + ")");
        }
        if (idleMaxParkUs < 1 || idleMaxParkUs > 100_000)
        {
            throw new IllegalArgumentException("cluster.idle-max-park-us " + idleMaxParkUs + " is outside 1..100000");
        }
        if (Integer.bitCount(termLengthBytes) != 1 || termLengthBytes < 64 * 1024 || termLengthBytes > 64 << 20)
        {
            throw new IllegalArgumentException("cluster.term-length-bytes " + termLengthBytes +
                " is not a power of two in 64 KiB..64 MiB");
        }
        return this;
    }

    /** @return the port of an endpoint of a member. */
    public int port(final int member, final int offset)
    {
        return basePort + member * PORTS_PER_MEMBER + offset;
    }

    /** @return Aeron's cluster-members string: id,ingress,consensus,log,catchup,archive per member. */
    String clusterMembers()
    {
        final StringBuilder text = new StringBuilder();
        for (final Member member : members)
        {
            if (!text.isEmpty())
            {
                text.append('|');
            }
            text.append(member.id())
                .append(',').append(endpoint(member, INGRESS_PORT_OFFSET))
                .append(',').append(endpoint(member, CONSENSUS_PORT_OFFSET))
                .append(',').append(endpoint(member, LOG_PORT_OFFSET))
                .append(',').append(endpoint(member, CATCHUP_PORT_OFFSET))
                .append(',').append(endpoint(member, ARCHIVE_CONTROL_PORT_OFFSET));
        }
        return text.toString();
    }

    /** @return the ingress endpoints a client connects to: {@code id=host:port,...}. */
    public String ingressEndpoints()
    {
        final StringBuilder text = new StringBuilder();
        for (final Member member : members)
        {
            if (!text.isEmpty())
            {
                text.append(',');
            }
            text.append(member.id()).append('=').append(endpoint(member, INGRESS_PORT_OFFSET));
        }
        return text.toString();
    }

    String endpoint(final Member member, final int offset)
    {
        return member.host() + ':' + port(member.id(), offset);
    }

    Member self()
    {
        return members.stream().filter(member -> member.id() == memberId).findFirst().orElseThrow();
    }

    long nanos(final long ms)
    {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
