package dev.flashsale.gateway;

import org.agrona.DirectBuffer;

/**
 * What the gateway needs of the node it fronts: somewhere to publish commands, whether it is ready,
 * and the node's own metrics. The server wires a standalone node's pipeline and journal behind it.
 */
public interface NodeBackend
{
    /**
     * Publishes without blocking, as {@code Pipeline.tryPublish}: a positive input sequence, or
     * {@code Pipeline.RING_FULL}, {@code NOT_RUNNING} or {@code INVALID_LENGTH}. Called on an event
     * loop, which calls {@link #wakeUp()} after the last publish of its read batch: until then the
     * node may leave its consumer asleep ({@code Pipeline.tryPublishDeferringWakeUp}).
     */
    long tryPublish(DirectBuffer command, int offset, int length, long correlationId);

    /** Wakes the node's consumer for what this thread published since its last wake-up. */
    default void wakeUp()
    {
    }

    /** @return null when ready to take requests, else why not (for {@code /health/ready} and 503s). */
    String notReadyReason();

    /** Appends the node's metrics (rings, journal) in the Prometheus text format. */
    void renderMetrics(StringBuilder out);

    /**
     * @return lines for the body of {@code /health/ready} after "ready": how far behind the read
     *     services are. They do not decide readiness: a node whose projections lag still takes orders.
     */
    default String readyDetails()
    {
        return "";
    }
}
