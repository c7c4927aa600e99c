package dev.flashsale.replication;

import io.aeron.cluster.ElectionState;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Tells a consensus module blocked inside an election from one taking its time. Aeron bounds most
 * election states by the election or leader heartbeat timeout: past it the state changes, or the
 * election fails with an error (counted in the module's error counter) and starts again. A member
 * that sits in one of those states far beyond its bound, with no error counted meanwhile, has a
 * consensus module whose thread is stuck in one of Aeron's unbounded waits (for its service container
 * to join the log, for the archive to stop a recording): it never follows the log again, and the
 * cluster it belongs to has one member less for every later election.
 *
 * <p>Not watched: {@code CANVASS} and {@code LEADER_READY}, where a member cut off from a majority rightly
 * waits for as long as that lasts, {@code FOLLOWER_LOG_INIT}, which waits for the leader's new term, the
 * states that copy or replay log (their time grows with the log), and {@code CLOSED}. {@code INIT} and
 * {@code LEADER_INIT} do their work in one step; lasting is being blocked, except the first {@code INIT}
 * of a member's life: the counter reads {@code INIT} until the module has recovered and its service
 * container has started, which takes as long as the engine's journal recovery.
 *
 * <p>Nor is an election that fails and starts again blocked, but one that does so for as long, with at
 * least {@link #FAILED_ELECTIONS} failures counted and the member never following a leader's log
 * meanwhile ({@code CLOSED}), is caught in a loop only a restart can end: seen at a cold start on a slow machine,
 * where a member that never joined the first term won the second from position 0, and Aeron 1.47's
 * followers, having truncated their log to it, restore their old position from the commit counter after
 * each failed join ("joinPosition=0 less than logPosition=96") and fail the next one the same way, while
 * the leader waits for them in {@code LEADER_READY}. A member started again has no stale counter: it
 * recovers its truncated log (read from Aeron's source, not reproduced on demand).
 *
 * <p>One thread calls {@link #check}; the decision is a pure function of what it is shown.
 */
final class ElectionStall
{
    /** States Aeron leaves, or fails out of, within the election or leader heartbeat timeout. */
    static final Set<ElectionState> BOUNDED = EnumSet.of(ElectionState.INIT, ElectionState.NOMINATE,
        ElectionState.CANDIDATE_BALLOT, ElectionState.FOLLOWER_BALLOT, ElectionState.LEADER_INIT,
        ElectionState.FOLLOWER_CATCHUP_INIT, ElectionState.FOLLOWER_CATCHUP_AWAIT, ElectionState.FOLLOWER_LOG_AWAIT,
        ElectionState.FOLLOWER_READY);

    /**
     * The least time a bounded state must last to count as stuck, whatever the timeouts: well above
     * the 10 s Aeron's own synchronous calls may take inside a step (an archive request, a driver
     * registration), so a slow archive during a failover never kills a member the cluster needs.
     */
    static final long MIN_LIMIT_MS = 30_000;
    /** How many leader heartbeat timeouts a bounded state must last to count as stuck, when that is more. */
    static final int HEARTBEAT_TIMEOUTS = 20;
    /** How many failed elections, with no {@code CLOSED} between them, over the limit make a loop. */
    static final int FAILED_ELECTIONS = 5;

    private final long limitNs;
    private ElectionState state;
    private long errors = Long.MIN_VALUE;
    private long sinceNs;
    private boolean leftFirstInit;
    private boolean inElection;
    private long electionSinceNs;
    private long errorsAtElectionStart;

    ElectionStall(final long leaderHeartbeatTimeoutMs, final long electionTimeoutMs)
    {
        this.limitNs = TimeUnit.MILLISECONDS.toNanos(limitMs(leaderHeartbeatTimeoutMs, electionTimeoutMs));
    }

    /** @return how long a bounded state may last before the member counts as stuck, in milliseconds. */
    static long limitMs(final long leaderHeartbeatTimeoutMs, final long electionTimeoutMs)
    {
        return Math.max(MIN_LIMIT_MS, HEARTBEAT_TIMEOUTS * Math.max(leaderHeartbeatTimeoutMs, electionTimeoutMs));
    }

    /**
     * @param nowNs   a monotonic time ({@link System#nanoTime()}).
     * @param current the election state now (null when no election has a state yet).
     * @param errorCount the consensus module's error counter now: each failed and restarted election counts one.
     * @return why the member is stuck, or null while it is not.
     */
    String check(final long nowNs, final ElectionState current, final long errorCount)
    {
        if (current != null && current != ElectionState.INIT)
        {
            leftFirstInit = true;
        }
        final String looping = looping(nowNs, current, errorCount);
        if (current != state || errorCount != errors)
        {
            state = current;
            errors = errorCount;
            sinceNs = nowNs;
            return looping;
        }
        if (looping != null)
        {
            return looping;
        }
        if (current == null || !BOUNDED.contains(current) || (current == ElectionState.INIT && !leftFirstInit) ||
            nowNs - sinceNs < limitNs)
        {
            return null;
        }
        return "its consensus module stayed in election state " + current + " for " +
            TimeUnit.NANOSECONDS.toMillis(nowNs - sinceNs) + " ms with no error counted (Aeron leaves that state, or fails" +
            " the election, within the election or leader heartbeat timeout): its thread is blocked and the member" +
            " would never follow the cluster's log again";
    }

    /** @return why the member's elections are caught in a loop of failures, or null while they are not. */
    private String looping(final long nowNs, final ElectionState current, final long errorCount)
    {
        if (current == null || current == ElectionState.CLOSED || !leftFirstInit)
        {
            inElection = false;
            return null;
        }
        if (!inElection)
        {
            inElection = true;
            electionSinceNs = nowNs;
            errorsAtElectionStart = errorCount;
            return null;
        }
        final long failed = errorCount - errorsAtElectionStart;
        if (failed < FAILED_ELECTIONS || nowNs - electionSinceNs < limitNs)
        {
            return null;
        }
        return "its elections failed " + failed + " times in " + TimeUnit.NANOSECONDS.toMillis(nowNs - electionSinceNs) +
            " ms (now in state " + current + ") without the member following a leader's log in between: a loop of" +
            " failed joins only a restart can end";
    }
}
