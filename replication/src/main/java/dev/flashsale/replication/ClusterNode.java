package dev.flashsale.replication;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.journal.DataDirectory;
import dev.flashsale.journal.JournalConfig;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.client.ClusterEvent;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One cluster member in this process: an embedded media driver, the archive, the consensus module
 * and the service container running {@link EngineService}. Each runs on its own thread (the archive
 * in its shared threading mode; the driver's conductor on one thread and its sender and receiver on
 * another, so a slow conductor step never holds the heartbeats back), all idling with a back-off that
 * ends in parks of at most {@link ClusterNodeConfig#idleMaxParkUs()}: on a 2-core machine a spinning
 * member starves the others. The member's JVM should run with {@link #JVM_OPTIONS}.
 *
 * <p>Directories, under the member's data directory: the journals at the top (as a standalone
 * node's), then {@code aeron/driver} (the driver's files, deleted on start, so a dead driver's state
 * never blocks a restart), {@code aeron/archive} (the recorded log and snapshots) and
 * {@code aeron/cluster} (the consensus module's and container's state).
 *
 * <p>Before anything starts the member takes the data directory's node lock ({@code node.lock}, as a
 * standalone node does) and holds it until {@link #close()}: a second process on the directory is
 * refused at once, before it could delete a live driver's files, and holding the lock proves the
 * Aeron mark files left in the directory belong to a dead process, so they are deleted
 * ({@link DeadMarkFiles}) and a member restarts at once after a kill -9.
 *
 * <p>A member Aeron leaves unable to follow the log fails, so its process ends and is started again:
 * a failed join of the service container ({@link #isFailedLogJoin}), or its consensus module blocked
 * in an election ({@link ElectionStall}, watched by an {@link ElectionWatchdog}).
 *
 * <p>{@link #close()} stops the member abruptly, as far as the others can tell: nothing is handed
 * over, the cluster sees a member go silent. Start-up failure closes whatever had started, so no
 * non-daemon Aeron thread is left behind.
 */
public final class ClusterNode implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** The same Aeron error is logged at most {@code REPEAT_BURST} times per this window, then counted ({@link RepeatLimiter}). */
    private static final long REPEAT_WINDOW_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int REPEAT_BURST = 3;

    /**
     * The JVM options a member runs with ({@code cluster-demo} passes them, deploy/k8s/cluster.yaml sets
     * them): a collector whose pauses do not stop the whole process for long. A member's consensus module
     * checks the leader's heartbeat deadline before it reads the heartbeats that arrived meanwhile, so any
     * stop of the member's JVM longer than {@code cluster.leader-heartbeat-timeout-ms} starts an election
     * on a live leader; G1's young pauses reached 0.5-1.5 s on the shared 2-core dev machine while three
     * members started (docs/BENCHMARKS.md, "Failover"). And names looked up again after 2 s (the JVM
     * keeps an answer 30 s by default): members listed by name find a member that came back at a new
     * address (a replacement machine, a rescheduled pod) when Aeron resolves its name again, where with
     * the default the leader kept sending the log and the answers to the old address for up to 30 s
     * (docs/REPLICATION.md, "Replacing a lost member").
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseZGC", "-Dsun.net.inetaddr.ttl=2",
        "-Dsun.net.inetaddr.negative.ttl=1");

    private final ClusterNodeConfig config;
    private final EngineService service;
    private final MemberFailure failure;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final ConsensusModule consensusModule;
    private final ReentrantReadWriteLock countersLock = new ReentrantReadWriteLock();
    private boolean countersOpen = true; // guarded by countersLock

    private ClusterNode(final ClusterNodeConfig config, final DataDirectory.NodeLock lock, final EngineService service,
        final MemberFailure failure)
    {
        this.config = config;
        this.service = service;
        this.failure = failure;
        started.push(lock); // closed last
        try
        {
            consensusModule = start();
        }
        catch (final RuntimeException | Error ex)
        {
            LOG.error("cluster member {} failed to start; closing what had started", config.memberId());
            failure.closing();
            try
            {
                CloseHelper.closeAll(started);
            }
            catch (final RuntimeException closing)
            {
                ex.addSuppressed(closing);
            }
            throw ex;
        }
    }

    /** Launches each part in order, each pushed on {@link #started} so a failure closes what is up. */
    private ConsensusModule start()
    {
        final int id = config.memberId();
        final String host = config.self().host();
        final File aeronRoot = config.dataDirectory().resolve("aeron").toFile();
        final String driverDirectory = new File(aeronRoot, "driver").getAbsolutePath();
        final File clusterDirectory = new File(aeronRoot, "cluster");
        final RepeatLimiter repeats = new RepeatLimiter(REPEAT_WINDOW_NS, REPEAT_BURST, System::nanoTime);
        final ErrorHandler errors = ex ->
        {
            if (ex instanceof AgentTerminationException)
            {
                failure.report("an Aeron agent ended", ex); // its thread has stopped: the member no longer works
                return;
            }
            final boolean event = ex instanceof ClusterEvent; // e.g. a heartbeat timeout, not a fault
            final String text = event ? ex.getMessage() : ex.toString();
            final long kept = repeats.admit(text);
            if (kept == RepeatLimiter.QUIET)
            {
                return;
            }
            final String again = kept == RepeatLimiter.SAID ? "" : " (again; " + kept + " more time(s) since it was last" +
                " logged, not logged)";
            if (event)
            {
                LOG.warn("cluster member {}: {}{}", id, text, again);
            }
            else if (kept == RepeatLimiter.SAID)
            {
                LOG.error("cluster member {}: {}", id, text, ex);
            }
            else
            {
                LOG.error("cluster member {}: {}{}", id, text, again); // its stack was logged the first time
            }
        };
        final Supplier<IdleStrategy> idle = () -> new BackoffIdleStrategy(
            10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(config.idleMaxParkUs()));
        final String term = "term-length=" + config.termLengthBytes();

        started.push(MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(driverDirectory)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED_NETWORK)
            .sharedNetworkIdleStrategy(idle.get())
            .conductorIdleStrategy(idle.get())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(config.termLengthBytes())
            .ipcTermBufferLength(config.termLengthBytes())
            .errorHandler(errors)));

        final String localControl = "aeron:ipc?term-length=64k";
        final AeronArchive.Context localArchive = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .aeronDirectoryName(driverDirectory)
            .controlRequestChannel(localControl)
            .controlResponseChannel(localControl)
            .errorHandler(errors);
        started.push(Archive.launch(new Archive.Context()
            .aeronDirectoryName(driverDirectory)
            .archiveId(id)
            .archiveDir(new File(aeronRoot, "archive"))
            .controlChannel("aeron:udp?endpoint=" + config.endpoint(config.self(),
                ClusterNodeConfig.ARCHIVE_CONTROL_PORT_OFFSET))
            .localControlChannel(localControl)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .archiveClientContext(new AeronArchive.Context()
                .aeronDirectoryName(driverDirectory)
                .controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(idle)
            .segmentFileLength(Math.max(config.termLengthBytes() * 4, 1 << 22))
            .errorHandler(errors)));

        final ConsensusModule consensusModule = ConsensusModule.launch(new ConsensusModule.Context()
            .aeronDirectoryName(driverDirectory)
            .clusterMemberId(id)
            .clusterMembers(config.clusterMembers())
            .clusterDir(clusterDirectory)
            .archiveContext(localArchive.clone())
            .serviceCount(1)
            .ingressChannel("aeron:udp?" + term)
            .logChannel("aeron:udp?" + term)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .leaderHeartbeatTimeoutNs(config.nanos(config.leaderHeartbeatTimeoutMs()))
            .leaderHeartbeatIntervalNs(config.nanos(config.leaderHeartbeatIntervalMs()))
            .electionTimeoutNs(config.nanos(config.electionTimeoutMs()))
            .electionStatusIntervalNs(config.nanos(config.electionStatusIntervalMs()))
            .idleStrategySupplier(idle)
            .terminationHook(() -> failure.report("the consensus module terminated", null))
            .errorHandler(errors));
        started.push(consensusModule);
        final AtomicCounter controlToggle = consensusModule.context().controlToggleCounter();
        service.snapshotRequester(() -> ClusterControl.ToggleState.SNAPSHOT.toggle(controlToggle));

        started.push(ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
            .aeronDirectoryName(driverDirectory)
            .archiveContext(localArchive.clone())
            .clusterDir(clusterDirectory)
            .clusteredService(service)
            .serviceId(0)
            .idleStrategySupplier(idle)
            .terminationHook(() -> failure.report("the service container terminated", null))
            .errorHandler(ex ->
            {
                errors.onError(ex); // logged here, with its stack
                if (isFailedLogJoin(ex))
                {
                    failure.report("the service container could not join the cluster's log and will not try again" +
                        " (the error is logged above)", null);
                }
            })));
        started.push(new ElectionWatchdog(id, consensusModule.context(),
            new ElectionStall(config.leaderHeartbeatTimeoutMs(), config.electionTimeoutMs()), failure));
        return consensusModule;
    }

    /**
     * An error the service container raised while joining the log: a log not contiguous with the
     * service's position (seen after a first leader was deposed before its term was committed), a
     * subscription it could not add. Aeron's container logs it and polls on, but it has dropped the
     * join it failed and never tries it again, while the consensus module waits for the service without
     * a deadline: the member never follows the log again, and only a restart brings it back. Any other
     * error on the container's threads (a failed snapshot, a client conductor's error) Aeron recovers
     * from, or the {@link ElectionWatchdog} sees what it leaves blocked.
     */
    static boolean isFailedLogJoin(final Throwable ex)
    {
        if (ex instanceof ClusterEvent || ex instanceof AgentTerminationException)
        {
            return false;
        }
        for (final StackTraceElement frame : ex.getStackTrace())
        {
            if ("joinActiveLog".equals(frame.getMethodName()) &&
                "io.aeron.cluster.service.ClusteredServiceAgent".equals(frame.getClassName()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts a member.
     *
     * @throws IllegalArgumentException if the configuration is invalid or a port is taken; nothing is started then.
     * @throws dev.flashsale.journal.DataDirectoryInUseException if another node holds the data directory.
     */
    public static ClusterNode launch(
        final ClusterNodeConfig config, final EngineConfig engineConfig, final JournalConfig journalConfig)
    {
        return launch(config, engineConfig, journalConfig, EngineObserver.NONE);
    }

    /**
     * Starts a member whose engine {@code observer} watches (for metrics).
     *
     * @throws IllegalArgumentException if the configuration is invalid or a port is taken; nothing is started then.
     * @throws dev.flashsale.journal.DataDirectoryInUseException if another node holds the data directory.
     */
    public static ClusterNode launch(final ClusterNodeConfig config, final EngineConfig engineConfig,
        final JournalConfig journalConfig, final EngineObserver observer)
    {
        config.validate();
        journalConfig.validate();
        warnIfTheCollectorStopsTheWorld(config);
        final EngineConfig engine = engineConfig.copy().validate();
        final DataDirectory.NodeLock lock = DataDirectory.lockForNode(config.dataDirectory(), engine);
        try
        {
            final Path aeronRoot = config.dataDirectory().resolve("aeron");
            DeadMarkFiles.delete(aeronRoot.resolve("archive"), aeronRoot.resolve("cluster"), 1);
            checkPortsFree(config);
            final MemberFailure failure = new MemberFailure(config.memberId());
            return new ClusterNode(config, lock, new EngineService(config.memberId(), lock, engine, journalConfig, failure::report,
                observer),
                failure);
        }
        catch (final RuntimeException | Error ex)
        {
            lock.close();
            throw ex;
        }
    }

    /** A member under G1 or Parallel works, but its pauses can depose a live leader: said once at start. */
    private static void warnIfTheCollectorStopsTheWorld(final ClusterNodeConfig config)
    {
        final List<String> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName).toList();
        if (collectors.stream().noneMatch(name -> name.startsWith("ZGC") || name.startsWith("Shenandoah")))
        {
            LOG.warn("cluster member {} runs with the collectors {}: their stop-the-world pauses can exceed" +
                " cluster.leader-heartbeat-timeout-ms ({} ms) and start an election on a live leader; run members with {}" +
                " (docs/REPLICATION.md)", config.memberId(), collectors, config.leaderHeartbeatTimeoutMs(),
                String.join(" ", JVM_OPTIONS));
        }
    }

    /** Binds each UDP port this member listens on for a moment: a port in use is a configuration error, said at once. */
    private static void checkPortsFree(final ClusterNodeConfig config)
    {
        final String host = config.self().host();
        for (int offset = ClusterNodeConfig.ARCHIVE_CONTROL_PORT_OFFSET; offset <= ClusterNodeConfig.CATCHUP_PORT_OFFSET;
            offset++)
        {
            final int port = config.port(config.memberId(), offset);
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, port)))
            {
                socket.getLocalPort();
            }
            catch (final SocketException | SecurityException ex)
            {
                throw new IllegalArgumentException("cluster member " + config.memberId() + " cannot listen on UDP " + host +
                    ":" + port + " (cluster.base-port " + config.basePort() + "): " + ex.getMessage(), ex);
            }
        }
    }

    public ClusterNodeConfig config()
    {
        return config;
    }

    public EngineService service()
    {
        return service;
    }

    /**
     * @return the log position this member knows a majority has: the commit position, in bytes; -1 once
     *     the member is closing. Any thread.
     */
    public long commitPosition()
    {
        return readCounter(consensusModule.context().commitPositionCounter(), -1);
    }

    /**
     * @return the leadership term this member's consensus module is in (-1 before the first election,
     *     and once the member is closing). Any thread.
     */
    public long leadershipTermId()
    {
        return readCounter(consensusModule.context().leadershipTermIdCounter(), -1);
    }

    /**
     * @return the state of the election under way, {@code CLOSED} when none is (the member follows or
     *     leads the log); null once the member is closing. Any thread.
     */
    public ElectionState electionState()
    {
        final long code = readCounter(consensusModule.context().electionStateCounter(), Long.MIN_VALUE);
        return code == Long.MIN_VALUE ? null : ElectionState.get(code);
    }

    /**
     * Reads a counter of the consensus module unless the member is closing: closing unmaps the memory
     * the counters live in, and a read after that is not an exception but a crash of the JVM (seen: a
     * metrics scrape while a member that had failed itself was stopping, SIGSEGV in
     * {@code AtomicCounter.get}). {@link #close()} waits for reads under way before it closes anything.
     */
    private long readCounter(final AtomicCounter counter, final long whenClosed)
    {
        countersLock.readLock().lock();
        try
        {
            return countersOpen && !counter.isClosed() ? counter.get() : whenClosed;
        }
        finally
        {
            countersLock.readLock().unlock();
        }
    }

    /** @return the consensus module, for operator controls (snapshot, shutdown) and counters. */
    public ConsensusModule consensusModule()
    {
        return consensusModule;
    }

    /**
     * @return completes, with the reason, when the member stops working on its own: the consensus module
     * or service container terminated or lost its thread, or the engine service failed or was terminated.
     * The member is then half alive (driver, archive, gateway may run on): close it and end the process.
     * Not completed by {@link #close()}.
     */
    public CompletableFuture<String> failure()
    {
        return failure.future();
    }

    /** @return the reason the member failed, or null while it works. Any thread. */
    public String failureReason()
    {
        return failure.now();
    }

    /** Stops the member: service container, consensus module, archive, driver, in that order, then releases the lock. */
    @Override
    public void close()
    {
        failure.closing();
        countersLock.writeLock().lock();
        try
        {
            countersOpen = false;
        }
        finally
        {
            countersLock.writeLock().unlock();
        }
        CloseHelper.closeAll(started);
        started.clear();
    }
}
