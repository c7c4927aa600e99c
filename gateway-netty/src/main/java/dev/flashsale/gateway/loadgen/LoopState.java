package dev.flashsale.gateway.loadgen;

import dev.flashsale.gateway.auth.CustomerTokens;
import org.HdrHistogram.Histogram;

/**
 * What the connections of one event loop share: the latency histogram and answer counts of the
 * measured window, failure counts of the whole run, and the customer-token signer. Touched only by
 * that loop's thread; read by the caller after the loop has terminated.
 */
final class LoopState
{
    /** Status codes are 100..599 (RFC 9110); one counter each, per kind. */
    static final int STATUS_LIMIT = 600;

    final Histogram latencyNanos;
    final long[][] answers = new long[RequestKind.values().length][STATUS_LIMIT];
    final CustomerTokens tokens = new CustomerTokens();
    long connectionsLost;
    long exceptions;
    long unanswered;
    String firstFailure;

    LoopState(final long highestTrackableNanos)
    {
        latencyNanos = new Histogram(highestTrackableNanos, 3);
    }

    /** An answer to a request started in the measured window. */
    void record(final RequestKind kind, final int status, final long latencyNanos)
    {
        answers[kind.ordinal()][status]++;
        this.latencyNanos.recordValue(Math.min(latencyNanos, this.latencyNanos.getHighestTrackableValue()));
    }

    void failure(final String description)
    {
        if (firstFailure == null)
        {
            firstFailure = description;
        }
    }
}
