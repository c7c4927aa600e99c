package dev.flashsale.server.node;

import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.gateway.NodeBackend;
import dev.flashsale.gateway.PrometheusText;
import dev.flashsale.replication.ClusterMessageDescriptor;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gateway's backend in a cluster: commands go to the cluster's ingress as
 * {@link ClusterMessageDescriptor} lays them out ({@code [correlation id][command]}), results come
 * back on egress and go to the gateway's responder, an {@link OutputStage}, as the pipeline hands them.
 *
 * <p>Threads: the gateway's event loops call {@link #tryPublish}, which never blocks: with no session
 * it is {@link Pipeline#NOT_RUNNING}, so the gateway answers 503 at once. A command the ingress
 * pushes back (back pressure, or Aeron's admin action) is taken all the same and kept for sending,
 * as a resend is: the cluster's ingress stalls for moments under load (seen every 0.8 s or so at full
 * rate on two shared cores), and a 503 for a moment's stall sends the shopper a retry she should not
 * need. They wait in order of arrival, and the commands that come after them wait behind them; how
 * many is bounded by the gateway, which holds an exchange for each ({@code gateway.max-pending}, then
 * 503 at once), and a command that waits longer than {@code gateway.engine-timeout-ms} is never sent.
 * One thread of its own, {@code flashsale-cluster-egress}, connects (and
 * reconnects when the session is gone), polls egress, resends, sends keep-alives and idles with a
 * back-off that ends in parks, never a busy spin. One lock guards the Aeron client, which is not
 * thread-safe, and the commands in flight.
 *
 * <p>Every command stays in flight, with its bytes, until its result arrives or
 * {@code gateway.engine-timeout-ms} passes (by then the gateway has answered 503 "outcome
 * unknown"). When a new leader is announced, or a new session replaces a lost one, every command in
 * flight is sent again with the same bytes and correlation id: during a failover the old leader's
 * ingress takes offers that are then lost (../shared/STACK.md), and a reserve is idempotent by its
 * key, a confirm or cancel by the checkout's state, a read harmless. A second result for the same
 * id (the first send and the resend were both applied) is dropped here and counted.
 *
 * <p>Aeron's cluster client ends a session only when the cluster says so: if its leader dies and no
 * successor announces itself to the session (no majority left, or a successor that never reaches
 * it), the client would keep a session whose ingress nobody reads, and the gateway would call
 * itself ready while every command failed. So once the session's ingress has been unconnected for
 * the client's message timeout (the driver marks it so after its publication connection timeout
 * without a status message from the leader), the session is given up like a closed one: the
 * gateway says not ready, and the egress thread opens another with whichever member leads.
 */
final class ClusterBackend implements NodeBackend, EgressListener, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBackend.class);
    private static final long KEEP_ALIVE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long EXPIRY_SCAN_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int NO_LEADER = -1;

    /**
     * A command taken and not answered yet: its ingress bytes, when it was taken, whether to send it
     * again, whether the ingress has taken it at all, whether it was given up.
     */
    private static final class InFlight
    {
        final UnsafeBuffer message;
        final long sentNs;
        boolean resend;
        boolean waiting;
        boolean expired;

        InFlight(final UnsafeBuffer message, final long sentNs)
        {
            this.message = message;
            this.sentNs = sentNs;
        }
    }

    private final AeronCluster.Context context;
    private final OutputStage responder;
    private volatile String failure;
    private final long engineTimeoutNs;
    private final IdleStrategy idle;
    private final ReentrantLock lock = new ReentrantLock();
    private final Long2ObjectHashMap<InFlight> inFlight = new Long2ObjectHashMap<>(); // under lock
    private final OutputSlot[] slots = {new OutputSlot(), new OutputSlot()}; // egress thread only
    private final Thread egressThread;
    private OutputSlot held; // egress thread only: the last result of a poll, handed on with endOfBatch
    private int nextSlot;
    private AeronCluster cluster; // under lock
    private boolean resendPending; // under lock
    private final ArrayDeque<InFlight> waitingForIngress = new ArrayDeque<>(); // under lock: in order of arrival
    private long nextKeepAliveNs;
    private long nextExpiryScanNs;
    private long ingressUnconnectedSinceNs; // egress thread only: 0 while the session's ingress is connected
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile int leaderMemberId = NO_LEADER;
    private volatile int inFlightCount;
    private volatile long resends;
    private volatile long leaderChanges;
    private volatile long egressDropped;
    private volatile long backPressured;
    private volatile long expired;
    private volatile long sessions;

    /**
     * Starts the egress thread, which connects; until it has a session, {@link #notReadyReason()} says so.
     *
     * @param context         the cluster client's context (driver directory, ingress endpoints, egress
     *                        channel); its egress listener is set here.
     * @param engineTimeoutMs {@code gateway.engine-timeout-ms}: how long a command is kept for resending.
     * @param idle            how the egress thread idles (a back-off that parks).
     */
    ClusterBackend(final AeronCluster.Context context, final OutputStage responder, final long engineTimeoutMs,
        final IdleStrategy idle)
    {
        this.context = context.egressListener(this);
        this.responder = responder;
        this.engineTimeoutNs = TimeUnit.MILLISECONDS.toNanos(engineTimeoutMs);
        this.idle = idle;
        egressThread = new Thread(this::run, "flashsale-cluster-egress");
        egressThread.setDaemon(true);
        egressThread.start();
    }

    @Override
    public long tryPublish(final DirectBuffer command, final int offset, final int length, final long correlationId)
    {
        if (length <= 0 || length > ProtocolLimits.MAX_INPUT_LENGTH)
        {
            return Pipeline.INVALID_LENGTH;
        }
        final UnsafeBuffer message = new UnsafeBuffer(new byte[ClusterMessageDescriptor.MESSAGE_OFFSET + length]);
        message.putLong(ClusterMessageDescriptor.CORRELATION_ID_OFFSET, correlationId, ByteOrder.LITTLE_ENDIAN);
        message.putBytes(ClusterMessageDescriptor.MESSAGE_OFFSET, command, offset, length);
        lock.lock();
        try
        {
            if (!connected || cluster.isClosed())
            {
                return Pipeline.NOT_RUNNING;
            }
            // behind commands already waiting for the ingress, a command waits too: they go in order of arrival
            final long position = !waitingForIngress.isEmpty() ? Publication.BACK_PRESSURED :
                cluster.offer(message, 0, message.capacity());
            if (position > 0)
            {
                inFlight.put(correlationId, new InFlight(message, System.nanoTime()));
                inFlightCount = inFlight.size();
                return position;
            }
            if (position == Publication.BACK_PRESSURED || position == Publication.ADMIN_ACTION)
            {
                final InFlight waiting = new InFlight(message, System.nanoTime());
                waiting.waiting = true;
                inFlight.put(correlationId, waiting);
                inFlightCount = inFlight.size();
                waitingForIngress.addLast(waiting);
                backPressured++;
                return 1; // taken: the egress thread offers it again on its next round
            }
            return Pipeline.NOT_RUNNING; // no leader connected yet, or the session is closing
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public String notReadyReason()
    {
        if (failure != null)
        {
            return failure;
        }
        return connected ? null : "no session with the cluster: connecting to its leader";
    }

    @Override
    public void renderMetrics(final StringBuilder out)
    {
        PrometheusText.gauge(out, "flashsale_cluster_connected", "1 while the gateway has a session with the cluster's leader.",
            connected ? 1 : 0);
        PrometheusText.gauge(out, "flashsale_cluster_leader_member", "Member id of the leader the gateway sends to; -1 if none.",
            leaderMemberId);
        PrometheusText.gauge(out, "flashsale_cluster_in_flight", "Commands sent to the cluster whose results have not come back.",
            inFlightCount);
        PrometheusText.counter(out, "flashsale_cluster_sessions_total", "Sessions the gateway opened with the cluster.", sessions);
        PrometheusText.counter(out, "flashsale_cluster_leader_changes_total", "New leaders announced to the gateway.",
            leaderChanges);
        PrometheusText.counter(out, "flashsale_cluster_resends_total",
            "Commands sent again, same bytes and correlation id, after a new leader or session.", resends);
        PrometheusText.counter(out, "flashsale_cluster_egress_dropped_total",
            "Results from the cluster with no command in flight: a resent command answered twice, or answered after" +
                " gateway.engine-timeout-ms.", egressDropped);
        PrometheusText.counter(out, "flashsale_cluster_ingress_back_pressure_total",
            "Commands that could not go to the cluster's ingress at once (it pushed back, or commands before them" +
                " still waited), kept and sent by the egress thread.",
            backPressured);
        PrometheusText.counter(out, "flashsale_cluster_in_flight_expired_total",
            "Commands given up after gateway.engine-timeout-ms without a result (their clients got 503, outcome unknown).",
            expired);
    }

    /** @return commands in flight. Any thread. */
    int inFlight()
    {
        return inFlightCount;
    }

    long resends()
    {
        return resends;
    }

    /** @return sessions opened with the cluster, the first included. */
    long sessions()
    {
        return sessions;
    }

    long leaderChanges()
    {
        return leaderChanges;
    }

    /** @return commands that could not go to the ingress at once (kept and sent later). */
    long backPressured()
    {
        return backPressured;
    }

    long egressDropped()
    {
        return egressDropped;
    }

    int leaderMemberId()
    {
        return leaderMemberId;
    }

    private void run()
    {
        AeronCluster.AsyncConnect connecting = null;
        boolean warned = false;
        while (running)
        {
            int work = 0;
            try
            {
                if (!connected)
                {
                    if (connecting == null)
                    {
                        connecting = AeronCluster.asyncConnect(context.clone());
                    }
                    final AeronCluster session = connecting.poll();
                    if (session != null)
                    {
                        connecting = null;
                        warned = false;
                        onSession(session);
                    }
                    work = 1;
                }
                else
                {
                    work = duty();
                }
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(connecting);
                connecting = null;
                if (connected)
                {
                    LOG.warn("cluster session failed ({}); opening another and resending what is in flight", ex.toString());
                    dropSession();
                }
                else if (!warned && running)
                {
                    LOG.warn("no session with the cluster yet ({}); still trying", ex.getMessage());
                    warned = true;
                }
            }
            idle.idle(work);
        }
        CloseHelper.quietClose(connecting);
    }

    private void onSession(final AeronCluster session)
    {
        lock.lock();
        try
        {
            cluster = session;
            ingressUnconnectedSinceNs = 0;
            markAllForResend();
            leaderMemberId = session.leaderMemberId();
            sessions++;
            connected = true;
        }
        finally
        {
            lock.unlock();
        }
        nextKeepAliveNs = System.nanoTime() + KEEP_ALIVE_INTERVAL_NS;
        LOG.info("cluster session {} open with leader member {}, {} command(s) in flight to resend",
            session.clusterSessionId(), session.leaderMemberId(), inFlightCount);
    }

    /** One round of the egress thread with a session: results, resends, keep-alive, expiry. @return work done. */
    private int duty()
    {
        final long nowNs = System.nanoTime();
        int work;
        lock.lock();
        try
        {
            work = cluster.pollEgress();
            if (held != null)
            {
                deliver(held, true); // the end of this poll's batch: the event loops get their answers
                held = null;
            }
            if (cluster.isClosed())
            {
                LOG.warn("cluster session {} closed; opening another and resending what is in flight",
                    cluster.clusterSessionId());
                dropSession();
                return 1;
            }
            if (leaderLost(nowNs))
            {
                LOG.warn("cluster session {}: its ingress to the leader (member {}) has been unconnected for {} ms and no" +
                    " other leader announced itself; opening another session with whichever member leads",
                    cluster.clusterSessionId(), leaderMemberId, TimeUnit.NANOSECONDS.toMillis(nowNs - ingressUnconnectedSinceNs));
                dropSession();
                return 1;
            }
            if (resendPending)
            {
                work += resend();
            }
            if (!resendPending && !waitingForIngress.isEmpty())
            {
                work += sendWaiting();
            }
            if (nowNs - nextKeepAliveNs >= 0 && cluster.sendKeepAlive())
            {
                nextKeepAliveNs = nowNs + KEEP_ALIVE_INTERVAL_NS;
            }
            if (nowNs - nextExpiryScanNs >= 0)
            {
                nextExpiryScanNs = nowNs + EXPIRY_SCAN_INTERVAL_NS;
                expire(nowNs);
            }
        }
        finally
        {
            lock.unlock();
        }
        return work;
    }

    /**
     * Under the lock. @return true once the session's ingress has been unconnected for the client's
     * message timeout: its leader is gone and no successor told this session.
     */
    private boolean leaderLost(final long nowNs)
    {
        if (cluster.ingressPublication().isConnected())
        {
            ingressUnconnectedSinceNs = 0;
            return false;
        }
        if (ingressUnconnectedSinceNs == 0)
        {
            ingressUnconnectedSinceNs = nowNs;
            return false;
        }
        return nowNs - ingressUnconnectedSinceNs > context.messageTimeoutNs();
    }

    @Override
    public void onMessage(final long clusterSessionId, final long timestamp, final DirectBuffer buffer, final int offset,
        final int length, final Header header)
    {
        if (length <= ClusterMessageDescriptor.MESSAGE_OFFSET || length > ClusterMessageDescriptor.MAX_EGRESS_LENGTH)
        {
            egressDropped++;
            return;
        }
        final long correlationId =
            buffer.getLong(offset + ClusterMessageDescriptor.CORRELATION_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (inFlight.remove(correlationId) == null)
        {
            egressDropped++; // answered already (a resend applied twice) or given up after the engine timeout
            return;
        }
        inFlightCount = inFlight.size();
        if (held != null)
        {
            deliver(held, false);
        }
        held = slots[nextSlot];
        nextSlot ^= 1;
        held.fill(0, correlationId, true, buffer, offset + ClusterMessageDescriptor.MESSAGE_OFFSET,
            length - ClusterMessageDescriptor.MESSAGE_OFFSET);
    }

    private void deliver(final OutputSlot slot, final boolean endOfBatch)
    {
        try
        {
            responder.onSlot(slot, endOfBatch);
        }
        catch (final Exception ex)
        {
            LOG.error("the {} failed on a result from the cluster; the gateway stops taking commands", responder.name(), ex);
            failure = "the " + responder.name() + " failed: " + ex;
            running = false;
            connected = false;
        }
    }

    @Override
    public void onSessionEvent(final long correlationId, final long clusterSessionId, final long leadershipTermId,
        final int leaderMemberId, final EventCode code, final String detail)
    {
        if (code != EventCode.OK)
        {
            LOG.warn("cluster session {}: {} {}", clusterSessionId, code, detail);
        }
    }

    @Override
    public void onNewLeader(final long clusterSessionId, final long leadershipTermId, final int leaderMemberId,
        final String ingressEndpoints)
    {
        this.leaderMemberId = leaderMemberId;
        leaderChanges++;
        markAllForResend();
        LOG.info("cluster leader is now member {} (term {}); resending {} command(s) in flight", leaderMemberId,
            leadershipTermId, inFlight.size());
    }

    /** Forgets a session that is gone; the next round opens another. */
    private void dropSession()
    {
        lock.lock();
        try
        {
            CloseHelper.quietClose(cluster);
            cluster = null;
            connected = false;
            leaderMemberId = NO_LEADER;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private void markAllForResend()
    {
        for (final InFlight command : inFlight.values())
        {
            command.resend = true;
        }
        resendPending = !inFlight.isEmpty();
    }

    /**
     * Under the lock: offers every command marked for resend (those still waiting for the ingress go
     * after, in their order), until the ingress refuses one (then next round).
     */
    private int resend()
    {
        int sent = 0;
        for (final InFlight command : inFlight.values())
        {
            if (!command.resend || command.waiting)
            {
                continue;
            }
            if (cluster.offer(command.message, 0, command.message.capacity()) < 0)
            {
                return sent; // the new leader's ingress is not connected yet, or back-pressured
            }
            command.resend = false;
            resends++;
            sent++;
        }
        resendPending = false;
        return sent;
    }

    /** Under the lock: offers the commands the ingress pushed back, in order, until it refuses one (then next round). */
    private int sendWaiting()
    {
        int sent = 0;
        InFlight command;
        while ((command = waitingForIngress.peekFirst()) != null)
        {
            if (!command.expired)
            {
                if (cluster.offer(command.message, 0, command.message.capacity()) < 0)
                {
                    return sent;
                }
                command.waiting = false;
                command.resend = false;
                sent++;
            }
            waitingForIngress.pollFirst();
        }
        return sent;
    }

    /**
     * Under the lock: forgets commands older than the engine timeout; the gateway has answered their
     * clients. One still waiting for the ingress is never sent.
     */
    private void expire(final long nowNs)
    {
        final Iterator<InFlight> commands = inFlight.values().iterator();
        while (commands.hasNext())
        {
            final InFlight command = commands.next();
            if (nowNs - command.sentNs > engineTimeoutNs)
            {
                command.expired = true;
                commands.remove();
                expired++;
            }
        }
        inFlightCount = inFlight.size();
    }

    /** Stops the egress thread and closes the session; results still on their way are not awaited. */
    @Override
    public void close()
    {
        running = false;
        try
        {
            egressThread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try
        {
            connected = false;
            CloseHelper.quietClose(cluster);
            cluster = null;
        }
        finally
        {
            lock.unlock();
        }
    }
}
