package dev.flashsale.replication;

import io.aeron.cluster.client.ClusterEvent;
import io.aeron.cluster.client.ClusterException;
import io.aeron.exceptions.AeronException;
import io.aeron.exceptions.RegistrationException;
import io.aeron.ErrorCode;
import org.agrona.concurrent.AgentTerminationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which errors on the service container's thread end the member ({@link ClusterNode#isServiceFault}). */
class ServiceFaultTest
{
    @Test
    void aJoinThatCannotBeTriedAgainEndsTheMember()
    {
        // what the container logged, and never recovered from, when a stuck member was caught (docs/REPLICATION.md)
        assertThat(ClusterNode.isServiceFault(new ClusterException(
            "Cluster log must be contiguous for joining image: expectedPosition=352 joinPosition=0"))).isTrue();
        assertThat(ClusterNode.isServiceFault(new RegistrationException(1, ErrorCode.GENERIC_ERROR.value(), ErrorCode.GENERIC_ERROR,
            "could not add the log subscription"))).isTrue();
        assertThat(ClusterNode.isServiceFault(new IllegalStateException("not Aeron's"))).isTrue();
    }

    @Test
    void warningsEventsAndTheAgentsOwnEndDoNot()
    {
        assertThat(ClusterNode.isServiceFault(new ClusterException("a passing problem", AeronException.Category.WARN))).isFalse();
        assertThat(ClusterNode.isServiceFault(new ClusterEvent("leader heartbeat timeout"))).isFalse();
        assertThat(ClusterNode.isServiceFault(new AgentTerminationException("closing"))).isFalse();
    }
}
