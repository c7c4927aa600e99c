/**
 * Hot standbys on Aeron Cluster: every member runs the same engine on the same input sequence, the
 * committed cluster log; sequencing, replication and election are Aeron's, never ours.
 *
 * <ul>
 *   <li>{@link dev.flashsale.replication.EngineService}, the {@code ClusteredService}, on the service
 *       container's thread: per log input, the member's input journal, the engine (time = the log's
 *       timestamp), the member's event journal, the result on the client's egress
 *       ({@link dev.flashsale.replication.ClusterMessageDescriptor}). Housekeeping runs on one cluster
 *       timer, which applies a {@code Tick}: timer events are in the log, so every member expires alike.
 *       The engine's snapshot is the cluster snapshot ({@code SnapshotTransfer}).</li>
 *   <li>{@link dev.flashsale.replication.ClusterNode} starts one member in this process: embedded media
 *       driver (conductor apart from the network threads), archive, consensus module, service container,
 *       each on its own thread with a back-off idle strategy, in a JVM under ZGC
 *       ({@code ClusterNode.JVM_OPTIONS}: a long pause of a member deposes a live leader); {@link dev.flashsale.replication.ClusterNodeConfig} holds its members, ports and the
 *       failover timeouts. It owns its data directory (the node lock, taken before anything starts;
 *       a dead process's Aeron mark files are deleted under it) and reports, through
 *       {@code ClusterNode.failure()}, a member that stopped working on its own: its process must end.
 *       That includes a member Aeron leaves unable to follow the log without ending it: a failed join
 *       of the log by the service container ({@code ClusterNode.isFailedLogJoin}), or its consensus
 *       module blocked in an election ({@code ElectionStall}, watched by
 *       {@code ElectionWatchdog}); a supervisor starts it again.</li>
 * </ul>
 *
 * <p>Each member journals to its own data directory in the standalone node's layout, so the journal
 * tools and recovery read a member's journals as they read a standalone node's.
 */
package dev.flashsale.replication;
