package dev.flashsale.replication;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * The first reason a member stopped working, from whichever thread saw it: the consensus module or
 * the service container terminating (their termination hooks, an error that ends their agent), the
 * engine service failing to start, failing on an input (journal write, broken invariant) or being
 * terminated. A member in that state is half alive (its driver, archive and gateway may still run),
 * so its process must end: {@link ClusterNode#failure()} tells it to.
 *
 * <p>Reports after {@link #closing()} are the member's own orderly stop and are ignored.
 */
final class MemberFailure
{
    private static final Logger LOG = LoggerFactory.getLogger(MemberFailure.class);

    private final int memberId;
    private final CompletableFuture<String> reason = new CompletableFuture<>();
    private volatile boolean closing;

    MemberFailure(final int memberId)
    {
        this.memberId = memberId;
    }

    /**
     * Any thread. The first report wins; it is logged here as an ERROR with its cause, and the
     * future completes with {@code what} alone (it may be shown over HTTP; the cause's text stays in
     * the log).
     */
    void report(final String what, final Throwable cause)
    {
        if (closing)
        {
            return;
        }
        if (reason.complete(what))
        {
            if (cause == null)
            {
                LOG.error("cluster member {} failed: {}", memberId, what);
            }
            else
            {
                LOG.error("cluster member {} failed: {}: {}", memberId, what, cause.toString(), cause);
            }
        }
    }

    /** The member is being closed on purpose: terminations from now on are expected. */
    void closing()
    {
        closing = true;
    }

    /** @return completes with the reason when the member fails; a copy, so callers cannot complete it. */
    CompletableFuture<String> future()
    {
        return reason.copy();
    }

    /** @return the reason, or null while the member works. */
    String now()
    {
        return reason.getNow(null);
    }
}
