package dev.flashsale.server.node;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.gateway.EngineMetrics;
import dev.flashsale.gateway.Gateway;
import dev.flashsale.gateway.NodeBackend;
import dev.flashsale.gateway.PrometheusText;
import dev.flashsale.gateway.Responder;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.journal.BackgroundShare;
import dev.flashsale.read.ReadServices;
import dev.flashsale.replication.ClusterNode;
import dev.flashsale.replication.ClusterNodeConfig;
import dev.flashsale.replication.EngineObserver;
import dev.flashsale.replication.EngineService;
import dev.flashsale.server.config.FlashsaleConfig;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.service.Cluster;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cluster member with its HTTP gateway: what {@code flashsale run} starts with {@code cluster.*}
 * set. The member ({@link ClusterNode}) runs the engine on the cluster log and journals to the data
 * directory; the gateway is a client of the whole cluster ({@link ClusterBackend}), so it serves
 * whichever member leads; the read services follow this member's own event journal.
 *
 * <p>The gateway's client shares the member's media driver ({@code aeron/driver} in the data
 * directory): one driver per process on a small machine.
 */
public final class ClusterGatewayNode implements AutoCloseable
{
    private static final long SERVICE_START_TIMEOUT_MS = 120_000;

    private final ClusterNode member;
    private final ClusterBackend backend;
    private final Gateway gateway;
    private final ReadServices readServices;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClusterGatewayNode(final ClusterNode member, final ClusterBackend backend, final Gateway gateway,
        final ReadServices readServices)
    {
        this.member = member;
        this.backend = backend;
        this.gateway = gateway;
        this.readServices = readServices;
    }

    /**
     * Starts the member, waits for its service to open the journals, then the gateway's cluster
     * client, the read services and the gateway.
     *
     * @throws IllegalArgumentException if the cluster configuration is invalid or this member's ports are taken.
     * @throws dev.flashsale.journal.DataDirectoryInUseException if another node holds the data directory.
     */
    public static ClusterGatewayNode start(final FlashsaleConfig config, final Credentials credentials, final EpochClock clock)
    {
        final ClusterNodeConfig cluster = config.cluster();
        final EngineMetrics engineMetrics = new EngineMetrics();
        final ClusterNode member = ClusterNode.launch(cluster, config.engine(), config.journal(), new EngineObserver()
        {
            @Override
            public void onStart(final Engine engine)
            {
                engineMetrics.seed(engine);
            }

            @Override
            public void onOutput(final OutputSlot slot, final boolean endOfInput)
            {
                engineMetrics.onSlot(slot, endOfInput);
            }
        });
        ClusterBackend backend = null;
        ReadServices readServices = null;
        try
        {
            awaitServiceStarted(member);
            final Responder responder = new Responder(config.gateway().maxPending(), engineMetrics);
            final String host = self(cluster).host();
            backend = new ClusterBackend(new AeronCluster.Context()
                .aeronDirectoryName(cluster.dataDirectory().resolve("aeron").resolve("driver").toAbsolutePath().toString())
                .ingressChannel("aeron:udp?term-length=" + cluster.termLengthBytes())
                .ingressEndpoints(cluster.ingressEndpoints())
                .egressChannel("aeron:udp?endpoint=" + host + ":0"),
                responder, config.gateway().engineTimeoutMs(), new BackoffIdleStrategy(10, 20,
                TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(cluster.idleMaxParkUs())));
            final EngineService service = member.service();
            readServices = config.readEnabled() ?
                ReadServices.start(config.dataDirectory(), config.readStoreDirectory(), config.readCustomers(),
                    config.engine().maxSkus(), new BackgroundShare(config.readCpuPercent() / 100.0,
                        config.readMaxLagInputs(), service::lastEventInputSequence, config.backgroundNice(),
                        config.backgroundIdle()),
                    service.eventDoorbell()) : null;
            final Gateway gateway = new Gateway(config.gateway(), config.engine(),
                new Backend(backend, member, readServices, clock,
                    new DataDirectorySpace(config.dataDirectory(), config.journal().minFreeBytes())), readServices, credentials, responder, clock);
            return new ClusterGatewayNode(member, backend, gateway, readServices);
        }
        catch (final RuntimeException | Error ex)
        {
            if (readServices != null)
            {
                readServices.close();
            }
            if (backend != null)
            {
                backend.close();
            }
            member.close();
            throw ex;
        }
    }

    private static ClusterNodeConfig.Member self(final ClusterNodeConfig cluster)
    {
        return cluster.members().stream().filter(m -> m.id() == cluster.memberId()).findFirst().orElseThrow();
    }

    /** The service opens the journals on its own thread; the read services need the event journal to be there. */
    private static void awaitServiceStarted(final ClusterNode member)
    {
        final EngineService service = member.service();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SERVICE_START_TIMEOUT_MS);
        service.requestStateReport();
        while (service.stateReport() == null)
        {
            if (member.failureReason() != null)
            {
                throw new IllegalStateException("cluster member " + member.config().memberId() + " failed while starting: " +
                    member.failureReason());
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the engine service did not start within " + SERVICE_START_TIMEOUT_MS + " ms");
            }
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the engine service started", ex);
            }
        }
    }

    public ClusterNode member()
    {
        return member;
    }

    public Gateway gateway()
    {
        return gateway;
    }

    /** Stops intake, the gateway's cluster session, the member, then the connections and the read services. */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            gateway.stopAccepting();
            backend.close();
            member.close();
        }
        finally
        {
            gateway.close();
            if (readServices != null)
            {
                readServices.close();
            }
        }
    }

    /** The cluster as the gateway sees it: the client's state, and this member's. */
    private static final class Backend implements NodeBackend
    {
        private final ClusterBackend client;
        private final ClusterNode member;
        private final ReadServices readServices;
        private final EpochClock clock;
        private final DataDirectorySpace space;

        Backend(final ClusterBackend client, final ClusterNode member, final ReadServices readServices, final EpochClock clock,
            final DataDirectorySpace space)
        {
            this.space = space;
            this.client = client;
            this.member = member;
            this.readServices = readServices;
            this.clock = clock;
        }

        @Override
        public long tryPublish(final DirectBuffer command, final int offset, final int length, final long correlationId)
        {
            return client.tryPublish(command, offset, length, correlationId);
        }

        @Override
        public String notReadyReason()
        {
            final String failed = member.failureReason();
            return failed != null ? "cluster member " + member.config().memberId() + " failed (" + failed +
                "); the process is stopping, its log has the cause" :
                client.notReadyReason();
        }

        @Override
        public String readyDetails()
        {
            return readServices == null ? "" :
                readServices.readiness(member.service().lastEventInputSequence(), clock.time());
        }

        @Override
        public void renderMetrics(final StringBuilder out)
        {
            client.renderMetrics(out);
            final EngineService service = member.service();
            PrometheusText.gauge(out, "flashsale_cluster_member_id", "This process's member id.", member.config().memberId());
            PrometheusText.gauge(out, "flashsale_cluster_member_leader", "1 while this member is the cluster's leader.",
                service.role() == Cluster.Role.LEADER ? 1 : 0);
            out.append("# HELP flashsale_cluster_member_role 1 for this member's role as its engine service last heard it.\n")
                .append("# TYPE flashsale_cluster_member_role gauge\n");
            for (final Cluster.Role role : Cluster.Role.values())
            {
                out.append("flashsale_cluster_member_role{role=\"").append(role.name().toLowerCase(java.util.Locale.ROOT))
                    .append("\"} ").append(service.role() == role ? 1 : 0).append('\n');
            }
            out.append("# HELP flashsale_cluster_election_state 1 for the state of this member's election under way; closed when" +
                    " none is (the member leads or follows the log).\n")
                .append("# TYPE flashsale_cluster_election_state gauge\n");
            final ElectionState election = member.electionState();
            for (final ElectionState state : ElectionState.values())
            {
                out.append("flashsale_cluster_election_state{state=\"").append(state.name().toLowerCase(java.util.Locale.ROOT))
                    .append("\"} ").append(election == state ? 1 : 0).append('\n');
            }
            PrometheusText.gauge(out, "flashsale_cluster_leadership_term_id",
                "Leadership term this member's consensus module is in (-1 before the first election); it rises at every election.",
                member.leadershipTermId());
            PrometheusText.gauge(out, "flashsale_cluster_commit_position_bytes",
                "Position in the cluster log, in bytes, that this member knows a majority has: what is committed.",
                member.commitPosition());
            PrometheusText.counter(out, "flashsale_cluster_snapshots_total",
                "Cluster snapshots this member took since it started (each also written to its snapshots/ directory).",
                service.snapshotsTaken());
            PrometheusText.gauge(out, "flashsale_cluster_snapshot_input", "Input of this member's last snapshot (or the one it started from).",
                service.lastSnapshotSequence());
            PrometheusText.gauge(out, "flashsale_cluster_member_failed", "1 once this member stopped working; its process then exits 1.",
                member.failureReason() == null ? 0 : 1);
            PrometheusText.counter(out, "flashsale_inputs_applied_total", "Sequence of the last input this member's engine applied.",
                service.appliedSequence());
            PrometheusText.counter(out, "flashsale_cluster_ingress_dropped_total",
                "Ingress messages this member's service dropped as not inputs (too short or too long).", service.droppedIngress());
            PrometheusText.counter(out, "flashsale_cluster_egress_unsent_total",
                "Results this member could not send to a client (gone, or back-pressured throughout).", service.droppedEgress());
            space.renderMetrics(out);
            if (readServices != null)
            {
                readServices.renderMetrics(out, service.lastEventInputSequence(), clock.time());
            }
        }
    }
}
