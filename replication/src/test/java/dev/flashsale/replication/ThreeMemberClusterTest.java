package dev.flashsale.replication;

import dev.flashsale.engine.EngineConfig;
import dev.flashsale.engine.codec.CheckoutResultDecoder;
import dev.flashsale.engine.codec.CheckoutState;
import dev.flashsale.engine.codec.MessageHeaderDecoder;
import dev.flashsale.engine.codec.ResultCode;
import dev.flashsale.engine.codec.SkuResultDecoder;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.journal.InputJournalReader;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.NodeJournal;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.service.Cluster;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three members in this JVM: a client's reserves, confirms and cancels are answered, every member
 * decides the same (state hash) and journals the same inputs; the leader's loss elects another
 * leader that takes more inputs, and the old leader restarted catches up from its snapshot and the log.
 */
@Tag("slow")
class ThreeMemberClusterTest
{
    private static final EngineConfig ENGINE = new EngineConfig().maxSkus(16).checkoutCapacity(2_000)
        .customerCapacity(2_000).customerOverflowCapacity(500).idempotencyCapacity(2_000).minHoldTtlMs(100)
        .maxHoldTtlMs(600_000).defaultHoldTtlMs(600_000);
    private static final JournalConfig JOURNAL = new JournalConfig().snapshotEveryInputs(0);
    private static final String SKU = "SKU-1";
    private static final long REQUEST_TIMEOUT_MS = 30_000;

    @TempDir
    Path directory;

    private final ClusterNode[] nodes = new ClusterNode[3];
    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CheckoutResultDecoder checkoutResult = new CheckoutResultDecoder();
    /** Acknowledged checkouts and the state each must end in. */
    private final Map<Long, CheckoutState> expected = new LinkedHashMap<>();
    private final Map<Long, Long> customerOf = new LinkedHashMap<>();
    private ClusterTestClient client;
    private int basePort;
    private long keys;

    @AfterEach
    void closeAll()
    {
        CloseHelper.quietClose(client);
        CloseHelper.quietCloseAll(nodes);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void membersAgreeAndSurviveTheLossOfTheLeader() throws Exception
    {
        final long seed = System.nanoTime();
        try
        {
            run(new Random(seed));
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("seed " + seed + " base port " + basePort + ": " + ex.getMessage(), ex);
        }
    }

    private void run(final Random random) throws Exception
    {
        basePort = freeBasePort(random);
        for (int id = 0; id < 3; id++)
        {
            nodes[id] = ClusterNode.launch(config(id), ENGINE, JOURNAL);
        }
        client = new ClusterTestClient(directory, config(0).ingressEndpoints());
        final int upsertLength = writer.upsertSku(command, 0, SKU, 100_000, 1_000, 100, "EUR", 0, 4_102_444_800_000L);
        final DirectBuffer upserted = client.request(command, upsertLength, REQUEST_TIMEOUT_MS);
        header.wrap(upserted, 0);
        assertThat(header.templateId()).isEqualTo(SkuResultDecoder.TEMPLATE_ID);

        operate(random, 300);
        assertSameState(List.of(0, 1, 2));
        for (int id = 0; id < 3; id++)
        {
            assertThat(nodes[id].service().eventDoorbell().rings())
                .as("member %d's event writer rings the doorbell its read services sleep on", id).isPositive();
        }

        final ClusterNode leader = leader();
        ClusterControl.ToggleState.SNAPSHOT.toggle(leader.consensusModule().context().controlToggleCounter());
        awaitSnapshots();

        final int leaderId = leader.config().memberId();
        final long killedNs = System.nanoTime();
        leader.close();
        nodes[leaderId] = null;
        // its counters' memory is unmapped now: reading them must not crash the JVM (a metrics scrape while it stops)
        assertThat(leader.leadershipTermId()).isEqualTo(-1);
        assertThat(leader.commitPosition()).isEqualTo(-1);
        assertThat(leader.electionState()).isNull();
        reserve(random, 60_000); // the first acknowledged input after the loss
        final long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        System.out.println("leader " + leaderId + " closed; first reserve acknowledged by the new leader after " +
            failoverMs + " ms (" + client.resends + " resends so far)");
        operate(random, 100);

        nodes[leaderId] = ClusterNode.launch(config(leaderId), ENGINE, JOURNAL);
        operate(random, 50);
        checkAcknowledgedCheckouts();
        final long hash = assertSameState(List.of(0, 1, 2));

        client.close();
        client = null;
        for (int id = 0; id < 3; id++)
        {
            nodes[id].close();
            nodes[id] = null;
        }
        assertJournalsIdenticalAndRecoverTo(hash);
    }

    private ClusterNodeConfig config(final int id)
    {
        return new ClusterNodeConfig().memberId(id).member(0, "localhost").member(1, "localhost").member(2, "localhost")
            .basePort(basePort).dataDirectory(directory.resolve("member-" + id)).termLengthBytes(256 * 1024);
    }

    /** Reserves (some with holds short enough to expire on the cluster timer), confirms and cancels. */
    private void operate(final Random random, final int count)
    {
        final List<Long> held = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final int choice = random.nextInt(10);
            if (choice < 5 || held.isEmpty())
            {
                final boolean shortHold = choice == 0;
                final long checkoutId = reserve(random, shortHold ? 200 : 600_000);
                if (checkoutId != 0 && !shortHold)
                {
                    held.add(checkoutId);
                }
            }
            else
            {
                final long checkoutId = held.remove(random.nextInt(held.size()));
                final long customerId = customerOf.get(checkoutId);
                final boolean confirm = choice < 8;
                final int length = confirm ? writer.confirm(command, 0, customerId, checkoutId, "pay-" + checkoutId) :
                    writer.cancel(command, 0, customerId, checkoutId);
                final CheckoutResultDecoder result = checkout(client.request(command, length, REQUEST_TIMEOUT_MS));
                assertThat(result.checkoutId()).isEqualTo(checkoutId);
                assertThat(result.state()).isEqualTo(confirm ? CheckoutState.CONFIRMED : CheckoutState.RELEASED);
                expected.put(checkoutId, result.state());
            }
        }
    }

    private long reserve(final Random random, final long holdTtlMs)
    {
        final long customerId = 1 + random.nextInt(1_000);
        final int length = writer.reserve(command, 0, 1, customerId, holdTtlMs, "key-" + (++keys), SKU, 1);
        final CheckoutResultDecoder result = checkout(client.request(command, length, REQUEST_TIMEOUT_MS));
        if (result.code() != ResultCode.OK)
        {
            return 0;
        }
        final long checkoutId = result.checkoutId();
        customerOf.put(checkoutId, customerId);
        expected.put(checkoutId, holdTtlMs < 1_000 ? CheckoutState.EXPIRED : CheckoutState.HELD);
        return checkoutId;
    }

    private CheckoutResultDecoder checkout(final DirectBuffer answer)
    {
        header.wrap(answer, 0);
        assertThat(header.templateId()).isEqualTo(CheckoutResultDecoder.TEMPLATE_ID);
        return checkoutResult.wrapAndApplyHeader(answer, 0, header);
    }

    /** Every acknowledged checkout, read back through the cluster, is in the state its last answer left it in. */
    private void checkAcknowledgedCheckouts() throws InterruptedException
    {
        Thread.sleep(300); // lets the last short holds reach their expiry; the cluster timer expires them
        for (final Map.Entry<Long, CheckoutState> entry : expected.entrySet())
        {
            final int length = writer.getCheckout(command, 0, customerOf.get(entry.getKey()), entry.getKey());
            final CheckoutResultDecoder result = checkout(client.request(command, length, REQUEST_TIMEOUT_MS));
            assertThat(result.state()).as("checkout %d", entry.getKey()).isEqualTo(entry.getValue());
        }
        assertThat(expected).containsValue(CheckoutState.EXPIRED);
    }

    private ClusterNode leader() throws InterruptedException
    {
        while (true)
        {
            for (final ClusterNode node : nodes)
            {
                if (node.service().role() == Cluster.Role.LEADER)
                {
                    return node;
                }
            }
            Thread.sleep(10);
        }
    }

    private void awaitSnapshots() throws InterruptedException
    {
        for (final ClusterNode node : nodes)
        {
            while (node.consensusModule().context().snapshotCounter().get() < 1)
            {
                Thread.sleep(10);
            }
        }
    }

    /** Waits until the members applied the same inputs, then compares their state hashes. */
    private long assertSameState(final List<Integer> members) throws InterruptedException
    {
        while (true)
        {
            final List<EngineService.StateReport> reports = new ArrayList<>();
            for (final int id : members)
            {
                nodes[id].service().requestStateReport();
            }
            for (final int id : members)
            {
                EngineService.StateReport report;
                while ((report = nodes[id].service().stateReport()) == null)
                {
                    Thread.sleep(5);
                }
                reports.add(report);
            }
            if (reports.stream().map(EngineService.StateReport::lastSequence).distinct().count() == 1)
            {
                assertThat(reports.stream().map(EngineService.StateReport::stateHash).distinct())
                    .as("state hashes at input %d: %s", reports.get(0).lastSequence(), reports).hasSize(1);
                return reports.get(0).stateHash();
            }
            Thread.sleep(20);
        }
    }

    /** The members' input journals hold the same records, and a standalone node's recovery reads each to the same state. */
    private void assertJournalsIdenticalAndRecoverTo(final long hash)
    {
        final List<List<String>> journals = new ArrayList<>();
        for (int id = 0; id < 3; id++)
        {
            final Path data = directory.resolve("member-" + id);
            try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(data.resolve("inputs")).readOnly(true)
                .build(); InputJournalReader reader = new InputJournalReader(queue, 1))
            {
                final List<String> records = new ArrayList<>();
                reader.moveToStart();
                InputJournalReader.Status status;
                while ((status = reader.next()) == InputJournalReader.Status.RECORD)
                {
                    final byte[] bytes = new byte[reader.length()];
                    reader.payload().getBytes(0, bytes);
                    records.add(reader.sequence() + "@" + reader.timestampMs() + ":" + java.util.HexFormat.of().formatHex(bytes));
                }
                assertThat(status).as("member %d's input journal", id).isEqualTo(InputJournalReader.Status.END);
                journals.add(records);
            }
            try (NodeJournal journal = NodeJournal.open(data, ENGINE, JOURNAL, line -> { }))
            {
                assertThat(journal.engine().stateHash()).as("member %d recovered from its journal", id).isEqualTo(hash);
            }
        }
        assertThat(journals.get(0)).hasSizeGreaterThan(450);
        assertThat(journals.get(1)).isEqualTo(journals.get(0));
        assertThat(journals.get(2)).isEqualTo(journals.get(0));
    }

    private static int freeBasePort(final Random random) throws Exception
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
