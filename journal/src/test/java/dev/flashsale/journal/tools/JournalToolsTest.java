package dev.flashsale.journal.tools;

import dev.flashsale.engine.Engine;
import dev.flashsale.engine.testing.CommandGenerator;
import dev.flashsale.journal.Corruption;
import dev.flashsale.journal.JournalConfig;
import dev.flashsale.journal.JournalException;
import dev.flashsale.journal.RunningNode;
import dev.flashsale.journal.SnapshotStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class JournalToolsTest
{
    private static final int INPUTS = 6_000;

    @TempDir
    Path directory;

    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text, true);
    private long lastSequence;
    private long stateHash;

    @BeforeEach
    void journalASale()
    {
        final JournalConfig config = new JournalConfig().minFreeBytes(0).snapshotEveryInputs(2_000).snapshotRetention(5);
        try (RunningNode node = new RunningNode(directory, config))
        {
            lastSequence = node.drive(new CommandGenerator(7, 200, 100, 60_000, 1_700_000_000_000L), INPUTS, true);
            final long deadline = System.currentTimeMillis() + 20_000;
            while (node.journal.snapshotter().snapshotsWritten() < 3 && System.currentTimeMillis() < deadline)
            {
                Thread.onSpinWait();
            }
            node.close();
            stateHash = node.journal.engine().stateHash();
        }
    }

    @Test
    void verifyPassesAndReproducesEverySnapshot() throws IOException
    {
        assertThat(JournalTools.verify(directory, false, out)).as(text.toString()).isTrue();
        assertThat(text.toString())
            .contains("input journal: " + String.format("%,d", lastSequence) + " records, sequences 1.." + lastSequence)
            .containsPattern("[3-5] snapshot\\(s\\) reproduced")
            .contains(String.format("state hash %016x", stateHash))
            .contains("verify: ok");
    }

    @Test
    void replayReachesAnyPointFromASnapshotOrFromScratch() throws IOException
    {
        assertThat(JournalTools.replay(directory, false, out, Long.MAX_VALUE, Long.MAX_VALUE, false, null)).isTrue();
        assertThat(text.toString()).contains(String.format("state hash %016x", stateHash))
            .contains("from snapshot-").contains("invariants: ok").contains("HOT");

        final StringWriter partial = new StringWriter();
        final Path snapshot = directory.resolve("at-4321.snap");
        JournalTools.replay(directory, false, new PrintWriter(partial, true), 4_321, Long.MAX_VALUE, true, snapshot);
        final StringWriter again = new StringWriter();
        JournalTools.replay(directory, false, new PrintWriter(again, true), 4_321, Long.MAX_VALUE, false, null);
        assertThat(partial.toString()).contains("state at input 4321").contains("from scratch");
        final String hashLine = line(partial.toString(), "state hash");
        assertThat(line(again.toString(), "state hash")).isEqualTo(hashLine);

        final Engine written = new SnapshotStore(directory).load(snapshot, RunningNode.ENGINE).engine();
        assertThat(String.format("state hash %016x", written.stateHash())).isEqualTo(hashLine);
    }

    @Test
    void dumpPrintsFilteredInputsAndTheirEvents()
    {
        assertThat(JournalTools.dump(directory, false, out, false, true, 1, 6, Long.MIN_VALUE, Long.MAX_VALUE, null, 0, 0))
            .isEqualTo(6);
        final List<String> lines = text.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("#1 ").contains(" UpsertSku sku=HOT totalStock=");
        assertThat(lines).anyMatch(line -> line.startsWith("    -> SkuUpserted"));

        final StringWriter json = new StringWriter();
        final long reserves = JournalTools.dump(directory, false, new PrintWriter(json, true), true, false, 0,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, "SKU-2", 0, 0);
        assertThat(reserves).isPositive();
        assertThat(json.toString().lines()).allMatch(line -> line.startsWith("{\"kind\":\"input\"") &&
            line.contains("\"SKU-2\"") && line.endsWith("}"));
    }

    @Test
    void dumpFindsEverythingAboutOneCheckout()
    {
        final StringWriter held = new StringWriter();
        JournalTools.dump(directory, false, new PrintWriter(held, true), true, true, 0, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MAX_VALUE, null, 0, 0);
        final String firstHeld = held.toString().lines().filter(line -> line.contains("\"type\":\"CheckoutHeld\""))
            .findFirst().orElseThrow();
        final long checkoutId = Long.parseLong(firstHeld.replaceAll(".*\"checkoutId\":(\\d+).*", "$1"));

        JournalTools.dump(directory, false, out, false, true, 0, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, null, 0,
            checkoutId);
        assertThat(text.toString()).contains(" Reserve ").contains("CheckoutHeld").contains("checkoutId=" + checkoutId);
    }

    @Test
    void statsCountsInputsByCommandAndResult()
    {
        JournalTools.stats(directory, false, out);
        assertThat(text.toString()).contains(String.format("%,d inputs", lastSequence)).contains("RESERVE")
            .contains("UPSERT_SKU         OK").contains("CheckoutHeld").contains("busiest seconds");
    }

    @Test
    void aTornTailIsMovedAsideByTruncateAndTheNodeStartsAgain() throws IOException
    {
        Corruption.corruptInputRecord(directory, lastSequence);
        assertThat(JournalTools.verify(directory, false, out)).isFalse();
        assertThat(text.toString()).contains("checksum mismatch");

        JournalTools.truncate(directory, lastSequence - 1, out);

        assertThat(text.toString()).contains("kept inputs 1.." + (lastSequence - 1)).contains("rebuilt the event journal");
        try (var files = Files.list(directory))
        {
            assertThat(files.map(path -> path.getFileName().toString())).anyMatch(name -> name.startsWith("inputs.before-truncate-"));
        }
        final StringWriter verified = new StringWriter();
        assertThat(JournalTools.verify(directory, false, new PrintWriter(verified, true))).as(verified.toString()).isTrue();
        try (RunningNode node = new RunningNode(directory, new JournalConfig().minFreeBytes(0).snapshotEveryInputs(0)))
        {
            assertThat(node.journal.engine().lastSequence()).isEqualTo(lastSequence - 1);
        }
    }

    @Test
    void rebuildEventsRegeneratesTheEventJournal() throws IOException
    {
        Corruption.deleteRecursively(directory.resolve("events"));
        JournalTools.rebuildEvents(directory, out);
        assertThat(text.toString()).contains("rebuilt the event journal");
        assertThat(JournalTools.verify(directory, false, new PrintWriter(new StringWriter(), true))).isTrue();
    }

    @Test
    void toolsRefuseARunningNodeUnlessReadingLive()
    {
        try (RunningNode node = new RunningNode(directory, new JournalConfig().minFreeBytes(0).snapshotEveryInputs(0)))
        {
            assertThatThrownBy(() -> JournalTools.stats(directory, false, out))
                .isInstanceOf(JournalException.class).hasMessageContaining("a node is running on").hasMessageContaining("--live");
            JournalTools.stats(directory, true, out);
            assertThat(text.toString()).contains("inputs, replayed");
            assertThatThrownBy(() -> JournalTools.truncate(directory, 10, out))
                .isInstanceOf(JournalException.class).hasMessageContaining("a node is running on");
        }
    }

    @Test
    void missingForeignAndNewerDirectoriesAreNamed() throws IOException
    {
        assertThatThrownBy(() -> JournalTools.stats(directory.resolve("nope"), false, out))
            .hasMessageContaining("no data directory at");
        final Path foreign = Files.createDirectories(directory.resolve("foreign"));
        assertThatThrownBy(() -> JournalTools.stats(foreign, false, out)).hasMessageContaining("is not a flashsale data directory");
        final Path meta = directory.resolve("flashsale-journal.properties");
        Files.writeString(meta, Files.readString(meta, StandardCharsets.UTF_8).replace("schema.version=1", "schema.version=2"));
        assertThatThrownBy(() -> JournalTools.stats(directory, false, out))
            .hasMessageContaining("protocol schema 7301 v2; this build reads format 1, schema 7301 v1");
    }

    private static String line(final String text, final String prefix)
    {
        return text.lines().filter(line -> line.startsWith(prefix)).findFirst().orElseThrow();
    }
}
