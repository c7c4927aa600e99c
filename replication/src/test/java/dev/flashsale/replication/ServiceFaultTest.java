package dev.flashsale.replication;

import io.aeron.cluster.client.ClusterEvent;
import io.aeron.cluster.client.ClusterException;
import org.agrona.concurrent.AgentTerminationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which errors on the service container's threads end the member ({@link ClusterNode#isFailedLogJoin}). */
class ServiceFaultTest
{
    @Test
    void aJoinOfTheLogThatFailedEndsTheMember()
    {
        // what the container logged, and never recovered from, when a stuck member was caught (docs/REPLICATION.md)
        final ClusterException notContiguous = new ClusterException(
            "Cluster log must be contiguous for joining image: expectedPosition=352 joinPosition=0");
        notContiguous.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("io.aeron.cluster.service.ClusteredServiceAgent", "joinActiveLog", "ClusteredServiceAgent.java", 819),
            new StackTraceElement("io.aeron.cluster.service.ClusteredServiceAgent", "doWork", "ClusteredServiceAgent.java", 187)});
        assertThat(ClusterNode.isFailedLogJoin(notContiguous)).isTrue();
    }

    @Test
    void errorsAeronRecoversFromDoNot()
    {
        final ClusterException snapshot = new ClusterException("recording stopped unexpectedly");
        snapshot.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("io.aeron.cluster.service.ClusteredServiceAgent", "onTakeSnapshot", "ClusteredServiceAgent.java", 900)});
        assertThat(ClusterNode.isFailedLogJoin(snapshot)).isFalse();
        assertThat(ClusterNode.isFailedLogJoin(new IllegalStateException("elsewhere"))).isFalse();
        assertThat(ClusterNode.isFailedLogJoin(new ClusterEvent("leader heartbeat timeout"))).isFalse();
        assertThat(ClusterNode.isFailedLogJoin(new AgentTerminationException("closing"))).isFalse();
    }
}
