package dev.flashsale.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterNodeConfigTest
{
    private static ClusterNodeConfig threeMembers(final int self)
    {
        return new ClusterNodeConfig().memberId(self).dataDirectory(Path.of("data"))
            .member(0, "localhost").member(1, "localhost").member(2, "localhost");
    }

    @Test
    @Timeout(10)
    void defaultsAreTheMeasuredFailoverTimeouts()
    {
        final ClusterNodeConfig config = threeMembers(1).validate();
        assertThat(config.leaderHeartbeatTimeoutMs()).isEqualTo(500);
        assertThat(config.leaderHeartbeatIntervalMs()).isEqualTo(50);
        assertThat(config.electionTimeoutMs()).isEqualTo(100);
        assertThat(config.electionStatusIntervalMs()).isEqualTo(20);
    }

    @Test
    @Timeout(10)
    void anUnknownMemberIdIsRefused()
    {
        assertThatThrownBy(() -> threeMembers(3).validate())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("cluster.member-id 3 is not one of cluster.members");
    }

    @Test
    @Timeout(10)
    void aDuplicateMemberIdIsRefused()
    {
        assertThatThrownBy(() -> threeMembers(0).member(1, "otherhost").validate())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("cluster member id 1 appears twice");
    }

    @Test
    @Timeout(10)
    void portsOutOfRangeAreRefused()
    {
        assertThatThrownBy(() -> threeMembers(0).basePort(65_520).validate())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("outside 1024..65535");
    }

    @Test
    @Timeout(10)
    void anElectionTimeoutNotBelowTheHeartbeatTimeoutIsRefused()
    {
        assertThatThrownBy(() -> threeMembers(0).electionTimeoutMs(1_000).validate())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("cluster.election-timeout-ms");
    }

    @Test
    @Timeout(10)
    void membersGetPortsFromTheBaseAndTheirOffsets()
    {
        final ClusterNodeConfig config = threeMembers(0).basePort(30_000).validate();
        assertThat(config.ingressEndpoints()).isEqualTo("0=localhost:30002,1=localhost:30012,2=localhost:30022");
        assertThat(config.clusterMembers()).startsWith(
            "0,localhost:30002,localhost:30003,localhost:30004,localhost:30005,localhost:30001|1,");
    }
}
