/**
 * {@code flashsale cluster-demo}: a local three-member cluster started by one command, a sale through
 * its gateways, the leader killed with kill -9 in the middle, and checks.
 *
 * <p>{@link dev.flashsale.server.cluster.LocalCluster} runs the members as three {@code flashsale run}
 * processes started as production starts them ({@link dev.flashsale.server.cluster.MemberCommandLine}),
 * with the {@code cluster.*} keys in their environment. {@link dev.flashsale.server.cluster.Shoppers}
 * (threads of the demo's JVM) shop through all three gateways and remember every acknowledged write;
 * they retry a 503 with the same idempotency key and move to another gateway when theirs is gone, as a
 * client of the cluster should. {@link dev.flashsale.server.cluster.LeaderKills} kills the leader,
 * times the failover (from the SIGKILL to the first reserve acknowledged after the killed process is
 * gone), restarts the member (with {@code --lose-disk}, from an emptied data directory; with
 * {@code --new-address}, at a new loopback address under its name, {@link dev.flashsale.server.cluster.MemberNames})
 * and waits until it has caught up. After the members stop,
 * {@link dev.flashsale.server.cluster.MemberJournal} reads each member's data directory with the
 * journal tools' classes and {@link dev.flashsale.server.cluster.ClusterDemoChecks} prints the checks.
 *
 * <p>The slow test {@code ClusterChaosTest} reuses these classes for harsher steps than the demo's:
 * a follower killed after the leader, and a leader frozen (SIGSTOP) past an election; it tells the
 * frozen leader's answers apart by the member and send time {@link dev.flashsale.server.cluster.Acknowledged}
 * records. After each step it also reads the running members' directories up to one input while
 * they run ({@code MemberJournal.readLive}, {@code ClusterDemoChecks.printAt}).
 *
 * <p>The load generator of {@code flashsale demo} does not fit here: it counts answers by status,
 * while these checks need each acknowledged checkout's id, and a connection it loses ends, while a
 * shopper here must carry its request to a surviving gateway. The demo's check lines are shared
 * ({@link dev.flashsale.server.demo.CheckList}).
 *
 * <p>Threads: the command's thread drives the members and the kills; each shopper has its own.
 */
package dev.flashsale.server.cluster;
