package dev.flashsale.gateway.loadgen;

import dev.flashsale.gateway.auth.CustomerTokens;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What the connections of one event loop share: the latency histogram and answer counts of the
 * measured window, failure counts of the whole run, and the customer-token signer. Touched only by
 * that loop's thread; read by the caller after the loop has terminated. The one exception is the
 * interval recorder: a {@link SingleWriterRecorder} is written by this loop alone and sampled by
 * the {@link LatencyIntervalLog} on the caller's thread while the run goes on, which its
 * writer-reader phaser makes safe without a lock or an allocation per value.
 */
final class LoopState
{
    /** Status codes are 100..599 (RFC 9110); one counter each, per kind. */
    static final int STATUS_LIMIT = 600;

    final Histogram latencyNanos;
    /**
     * Open loop: how late this loop sent each measured request that waited for its intended start
     * (its timer fired, then the loop got to it): the load generator's own delay, which the latency
     * includes.
     */
    final Histogram sentLateNanos;
    /** The same latencies again, for the per-second interval log; null when the run writes none. */
    final SingleWriterRecorder intervalNanos;
    final long[][] answers = new long[RequestKind.values().length][STATUS_LIMIT];
    final CustomerTokens tokens = new CustomerTokens();
    long connectionsLost;
    long exceptions;
    long unanswered;
    String firstFailure;

    LoopState(final long highestTrackableNanos, final boolean intervals)
    {
        latencyNanos = new Histogram(highestTrackableNanos, 3);
        sentLateNanos = new Histogram(highestTrackableNanos, 3);
        intervalNanos = intervals ? new SingleWriterRecorder(highestTrackableNanos, 3) : null;
    }

    /** An answer to a request started in the measured window. */
    void record(final RequestKind kind, final int status, final long latencyNanos)
    {
        answers[kind.ordinal()][status]++;
        final long value = Math.min(latencyNanos, this.latencyNanos.getHighestTrackableValue());
        this.latencyNanos.recordValue(value);
        if (intervalNanos != null)
        {
            intervalNanos.recordValue(value);
        }
    }

    /** A request of the measured window sent {@code lateNanos} after its intended start, which it waited for. */
    void sentLate(final long lateNanos)
    {
        sentLateNanos.recordValue(Math.min(Math.max(lateNanos, 0), sentLateNanos.getHighestTrackableValue()));
    }

    void failure(final String description)
    {
        if (firstFailure == null)
        {
            firstFailure = description;
        }
    }
}
