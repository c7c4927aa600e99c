package dev.flashsale.server.node;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.engine.pipeline.OutputSlot;
import dev.flashsale.engine.pipeline.OutputStage;
import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.replication.ClusterNode;
import dev.flashsale.replication.ClusterNodeConfig;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.service.Cluster;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's cluster backend against three members in this JVM: results reach the output stage
 * under the correlation id of their command, a command sent to a leader that is then lost is
 * resent to the new leader and answered once, a command the ingress pushes back is sent later
 * and answered once, and a gateway whose leader is lost with no successor says it is not ready and
 * finds the next leader.
 */
class ClusterBackendTest
{
    private static final EngineConfig ENGINE = new EngineConfig().maxSkus(16).checkoutCapacity(2_000)
        .customerCapacity(2_000).customerOverflowCapacity(500).idempotencyCapacity(2_000);
    private static final JournalConfig JOURNAL = new JournalConfig().snapshotEveryInputs(0);
    private static final long WAIT_MS = 30_000;

    @TempDir
    Path directory;

    private final ClusterNode[] nodes = new ClusterNode[3];
    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private final Results results = new Results();
    private MediaDriver driver;
    private ClusterBackend backend;
    private int basePort;
    private long nextCorrelationId;

    /** Records every result it is handed, by correlation id, in arrival order. */
    static final class Results implements OutputStage
    {
        final Map<Long, List<byte[]>> byId = new ConcurrentHashMap<>();

        @Override
        public String name()
        {
            return "test-results";
        }

        @Override
        public void onSlot(final OutputSlot slot, final boolean endOfBatch)
        {
            final byte[] bytes = new byte[slot.length()];
            slot.buffer().getBytes(0, bytes);
            byId.computeIfAbsent(slot.correlationId(), id -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(bytes);
        }
    }

    @AfterEach
    void closeAll()
    {
        CloseHelper.quietCloseAll(backend, driver);
        CloseHelper.quietCloseAll(nodes);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void resultsAreMatchedAndACommandInFlightAtALeaderChangeIsResentAndAnsweredOnce() throws Exception
    {
        withSeed(this::run);
    }

    @FunctionalInterface
    private interface Seeded
    {
        void run(Random random) throws Exception;
    }

    /** Runs a test with a random seed; a failure's message starts with the seed and the base port. */
    private void withSeed(final Seeded test) throws Exception
    {
        final long seed = System.nanoTime();
        try
        {
            test.run(new Random(seed));
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed " + seed + " base port " + basePort + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Bursts of commands offered faster than the leader's consensus module takes them fill the ingress
     * window: a command the ingress pushes back is taken all the same, sent when the ingress takes it
     * again, and answered once. Bursts repeat until one was pushed back (or the test fails for not
     * provoking it), so the path under test ran.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void commandsTheIngressPushesBackAreSentLaterAndAnsweredOnce() throws Exception
    {
        withSeed(this::burstsUntilPushedBack);
    }

    private void burstsUntilPushedBack(final Random random) throws Exception
    {
        startClusterWithSku(random);
        final int length = writer.reserve(command, 0, 1, 42, 600_000, "burst", "SKU-1", 1);
        final List<Long> sent = new ArrayList<>();
        for (int burst = 0; burst < 10 && backend.backPressured() == 0; burst++)
        {
            for (int i = 0; i < 5_000; i++)
            {
                final long correlationId = ++nextCorrelationId;
                assertThat(backend.tryPublish(command, 0, length, correlationId)).as("command %d of burst %d taken", i, burst)
                    .isPositive();
                sent.add(correlationId);
            }
            for (final long correlationId : sent)
            {
                answer(correlationId);
            }
        }
        assertThat(backend.backPressured()).as("commands the ingress pushed back in 10 bursts of 5,000").isPositive();
        long checkoutId = 0;
        for (final long correlationId : sent)
        {
            assertThat(results.byId.get(correlationId)).as("answers to %d", correlationId).hasSize(1);
            final CheckoutResultDecoder result = checkout(answer(correlationId));
            assertThat(result.code()).isEqualTo(ResultCode.OK);
            checkoutId = checkoutId == 0 ? result.checkoutId() : checkoutId;
            assertThat(result.checkoutId()).as("the same reserve, the same checkout").isEqualTo(checkoutId);
        }
        assertThat(backend.inFlight()).isZero();
        final StringBuilder metrics = new StringBuilder();
        backend.renderMetrics(metrics);
        assertThat(metrics.toString()).contains("flashsale_cluster_ingress_back_pressure_total " + backend.backPressured());
    }

    /**
     * The leader and a follower go: no majority is left, so no successor announces itself to the
     * gateway's session. The gateway must say it is not ready (a load balancer then sends the traffic
     * elsewhere) rather than keep a session whose ingress nobody reads; once a member comes back and
     * a leader is elected, it has a session again and its commands are answered.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aGatewayWhoseLeaderIsLostWithNoSuccessorSaysNotReadyAndFindsTheNextLeader() throws Exception
    {
        withSeed(this::leaderLostWithNoSuccessor);
    }

    private void leaderLostWithNoSuccessor(final Random random) throws Exception
    {
        startClusterWithSku(random);
        final long sessions = backend.sessions();

        final ClusterNode leader = leader();
        final int follower = (leader.config().memberId() + 1 + random.nextInt(2)) % 3;
        leader.close();
        nodes[leader.config().memberId()] = null;
        nodes[follower].close();
        nodes[follower] = null;
        await(() -> backend.notReadyReason() != null, "the gateway to say it has no session");
        assertThat(backend.tryPublish(command, 0, writer.reserve(command, 0, 1, 7, 600_000, "no-leader", "SKU-1", 1), 1_000_000))
            .as("a command while there is no leader").isEqualTo(Pipeline.NOT_RUNNING);

        nodes[follower] = ClusterNode.launch(config(follower), ENGINE, JOURNAL);
        await(() -> backend.notReadyReason() == null, "a session with the next leader");
        assertThat(backend.sessions()).isGreaterThan(sessions);
        final CheckoutResultDecoder held = checkout(answer(publish(writer.reserve(command, 0, 1, 8, 600_000, "after", "SKU-1", 1))));
        assertThat(held.code()).isEqualTo(ResultCode.OK);
    }

    /** Starts the cluster and the backend, and sells SKU-1 (1,000 units) through it. */
    private void startClusterWithSku(final Random random) throws InterruptedException
    {
        startCluster(random);
        final long upsert = publish(writer.upsertSku(command, 0, "SKU-1", 1_000, 1_000, 100, "EUR", 0, 4_102_444_800_000L));
        assertThat(header(answer(upsert)).templateId()).isEqualTo(SkuResultDecoder.TEMPLATE_ID);
    }

    private void startCluster(final Random random) throws InterruptedException
    {
        basePort = freeBasePort(random);
        for (int id = 0; id < 3; id++)
        {
            nodes[id] = ClusterNode.launch(config(id), ENGINE, JOURNAL);
        }
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(directory.resolve("gateway-driver").toString())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1_000, 1_000_000))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(1 << 20)
            .ipcTermBufferLength(1 << 20));
        backend = new ClusterBackend(new AeronCluster.Context()
            .aeronDirectoryName(driver.aeronDirectoryName())
            .ingressChannel("aeron:udp?term-length=256k")
            .ingressEndpoints(config(0).ingressEndpoints())
            .egressChannel("aeron:udp?endpoint=localhost:0"),
            results, WAIT_MS, new BackoffIdleStrategy(10, 20, 1_000, 1_000_000));
        await(() -> backend.notReadyReason() == null, "a session with the cluster");
    }

    private void run(final Random random) throws Exception
    {
        startClusterWithSku(random);

        // Many reserves in flight at once, each for its own customer: each answer names its command's customer.
        final Map<Long, Long> customerOf = new HashMap<>();
        for (int i = 0; i < 50; i++)
        {
            final long customer = 1_000 + i;
            customerOf.put(publish(writer.reserve(command, 0, 1, customer, 600_000, "key-" + customer, "SKU-1", 1)), customer);
        }
        for (final Map.Entry<Long, Long> sent : customerOf.entrySet())
        {
            final CheckoutResultDecoder result = checkout(answer(sent.getKey()));
            assertThat(result.code()).isEqualTo(ResultCode.OK);
            assertThat(result.customerId()).as("correlation id %d", sent.getKey()).isEqualTo(sent.getValue());
        }
        assertThat(backend.inFlight()).isZero();

        // The leader goes; a reserve is sent before the cluster announces a new leader: the old leader's
        // ingress takes it and nobody applies it. It must be resent and answered, once.
        final ClusterNode leader = leader();
        final long leaderChanges = backend.leaderChanges();
        leader.close();
        nodes[leader.config().memberId()] = null;
        final int length = writer.reserve(command, 0, 1, 7, 600_000, "in-flight-at-failover", "SKU-1", 2);
        final long inFlight = publish(length);
        assertThat(backend.leaderChanges()).as("sent before the new leader was known").isEqualTo(leaderChanges);
        final CheckoutResultDecoder resent = checkout(answer(inFlight));
        assertThat(resent.code()).isEqualTo(ResultCode.OK);
        final long checkoutId = resent.checkoutId();
        assertThat(backend.leaderChanges()).isGreaterThan(leaderChanges);
        assertThat(backend.resends()).isPositive();
        assertThat(backend.leaderMemberId()).isNotEqualTo(leader.config().memberId());

        // The same reserve again is the same checkout (idempotent by key); the first got one answer only.
        final CheckoutResultDecoder again = checkout(answer(publish(length)));
        assertThat(again.checkoutId()).isEqualTo(checkoutId);
        assertThat(again.state()).isEqualTo(CheckoutState.HELD);
        Thread.sleep(200); // room for a stray second answer to arrive, if the backend let one through
        assertThat(results.byId.get(inFlight)).hasSize(1);
        assertThat(backend.inFlight()).isZero();
        final StringBuilder metrics = new StringBuilder();
        backend.renderMetrics(metrics);
        assertThat(metrics.toString()).contains("flashsale_cluster_resends_total " + backend.resends())
            .contains("flashsale_cluster_connected 1");
    }

    /** Publishes the command in {@link #command}, retrying while the backend refuses it. @return its correlation id. */
    private long publish(final int length) throws InterruptedException
    {
        final long correlationId = ++nextCorrelationId;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (backend.tryPublish(command, 0, length, correlationId) <= 0)
        {
            assertThat(System.nanoTime() - deadline).as("published within %d ms", WAIT_MS).isNegative();
            Thread.sleep(1);
        }
        return correlationId;
    }

    private UnsafeBuffer answer(final long correlationId) throws InterruptedException
    {
        await(() -> !results.byId.getOrDefault(correlationId, List.of()).isEmpty(), "the answer to " + correlationId);
        return new UnsafeBuffer(results.byId.get(correlationId).get(0));
    }

    private static MessageHeaderDecoder header(final UnsafeBuffer answer)
    {
        return new MessageHeaderDecoder().wrap(answer, 0);
    }

    private static CheckoutResultDecoder checkout(final UnsafeBuffer answer)
    {
        final MessageHeaderDecoder header = header(answer);
        assertThat(header.templateId()).isEqualTo(CheckoutResultDecoder.TEMPLATE_ID);
        return new CheckoutResultDecoder().wrapAndApplyHeader(answer, 0, header);
    }

    private ClusterNode leader() throws InterruptedException
    {
        final ClusterNode[] found = new ClusterNode[1];
        await(() ->
        {
            for (final ClusterNode node : nodes)
            {
                if (node != null && node.service().role() == Cluster.Role.LEADER)
                {
                    found[0] = node;
                    return true;
                }
            }
            return false;
        }, "a leader");
        return found[0];
    }

    private static void await(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime() - deadline).as("waiting for %s", what).isNegative();
            Thread.sleep(2);
        }
    }

    private ClusterNodeConfig config(final int id)
    {
        return new ClusterNodeConfig().memberId(id).member(0, "localhost").member(1, "localhost").member(2, "localhost")
            .basePort(basePort).dataDirectory(directory.resolve("member-" + id)).termLengthBytes(256 * 1024);
    }

    /** A base port whose three members' ports are all free now. */
    static int freeBasePort(final Random random)
    {
        search:
        while (true)
        {
            final int base = 20_000 + random.nextInt(1_100) * 10;
            for (int port = base; port < base + 3 * ClusterNodeConfig.PORTS_PER_MEMBER; port++)
            {
                try (DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress()))
                {
                    socket.getLocalPort();
                }
                catch (final java.net.SocketException ex)
                {
                    continue search;
                }
            }
            return base;
        }
    }
}
