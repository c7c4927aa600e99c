package dev.flashsale.server.cluster;

import dev.flashsale.engine.pipeline.Pipeline;
import dev.flashsale.engine.protocol.CommandWriter;
import dev.flashsale.engine.protocol.ProtocolLimits;
import dev.flashsale.journal.JournalException;
import dev.flashsale.server.config.FlashsaleConfig;
import dev.flashsale.server.node.StandaloneNode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemberJournalTest
{
    private static final int RESERVES = 5;
    private static final long INPUTS = 1 + RESERVES;

    private final CommandWriter writer = new CommandWriter();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ProtocolLimits.MAX_INPUT_LENGTH]);

    @Test
    void aRunningNodesDirectoryIsReadUpToAnInputAndAgreesWithTheStoppedDirectoryThere(@TempDir final Path directory)
        throws Exception
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, Map.of(
            "FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "1000",
            "FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "1000",
            "FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "1000",
            "FLASHSALE_JOURNAL_SNAPSHOT_EVERY_INPUTS", "0",
            "FLASHSALE_JOURNAL_MIN_FREE_BYTES", "0"));
        config.dataDirectory(directory);
        final MemberReport atThreeRunning;
        final MemberReport allRunning;
        try (StandaloneNode node = StandaloneNode.start(config, List.of()))
        {
            publish(node.pipeline(), writer.upsertSku(buffer, 0, "S", 100, 1, 500, "EUR", 0, Long.MAX_VALUE));
            for (int customer = 1; customer <= RESERVES; customer++)
            {
                publish(node.pipeline(), writer.reserve(buffer, 0, 1, customer, 60_000, "", "S", 1));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (MemberJournal.journaledThrough(directory) < INPUTS)
            {
                assertThat(System.nanoTime() - deadline).as("the node journaled its inputs and events").isNegative();
                Thread.sleep(10);
            }
            assertThatThrownBy(() -> MemberJournal.read(0, directory)).isInstanceOf(JournalException.class)
                .hasMessageContaining("a node is running");
            atThreeRunning = MemberJournal.readLive(0, directory, 3);
            allRunning = MemberJournal.readLive(0, directory, INPUTS);
        }
        final MemberReport whole = MemberJournal.read(0, directory);

        assertThat(MemberJournal.journaledThrough(directory)).isEqualTo(INPUTS);
        assertThat(whole.inputs()).isEqualTo(INPUTS);
        assertThat(whole.held()).hasSize(RESERVES);
        assertThat(allRunning).isEqualTo(whole);
        assertThat(atThreeRunning.inputs()).isEqualTo(3);
        assertThat(atThreeRunning.lastSequence()).isEqualTo(3);
        assertThat(atThreeRunning.held()).hasSize(2).isSubsetOf(whole.held());
        assertThat(atThreeRunning.skus().get("S").held()).isEqualTo(2);
        assertThat(atThreeRunning.stateHash()).isNotEqualTo(whole.stateHash());
        assertThat(atThreeRunning.journalSha256()).isNotEqualTo(whole.journalSha256());
        assertThat(atThreeRunning.invariantFailure()).isNull();
        assertThat(MemberJournal.readLive(0, directory, 3)).as("the same prefix read from the stopped directory")
            .isEqualTo(atThreeRunning);
    }

    private void publish(final Pipeline pipeline, final int length)
    {
        assertThat(pipeline.tryPublish(buffer, 0, length, 1)).as("the node took the input").isNotNegative();
    }
}
