package dev.flashsale.server.cluster;

/**
 * One kill of the leader and what followed.
 *
 * @param kill          1 for the first kill.
 * @param killedMember  the leader killed with SIGKILL.
 * @param newLeader     the member that led after it, or -1 if none was seen.
 * @param failoverMs    from the SIGKILL to the first reserve acknowledged (201) after the killed process was
 *                      gone, so through the new leader; -1 if none came within the demo's wait.
 * @param restartMs     from the restart of the killed member to its gateway being ready; -1 if not restarted.
 * @param catchUpMs     from its gateway being ready to its engine reaching the input the leader had then; -1 if not.
 */
record Failover(int kill, int killedMember, int newLeader, long failoverMs, long restartMs, long catchUpMs)
{
    boolean failedOver()
    {
        return failoverMs >= 0;
    }
}
