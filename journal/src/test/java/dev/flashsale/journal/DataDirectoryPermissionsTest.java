package dev.flashsale.journal;

import dev.flashsale.engine.testing.CommandGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node's data directory is its owner's alone: {@code rwx------} for it and every directory the
 * node makes in it, {@code rw-------} for the files the node writes itself, and no file (Chronicle's
 * included, whatever the umask made them) reachable by another user. An existing directory that
 * others could enter is tightened at start, with a warning that names its old mode.
 */
@Timeout(60)
class DataDirectoryPermissionsTest
{
    @TempDir
    Path work;

    @Test
    void aNewDataDirectoryAndEverythingInItIsTheOwnersAlone() throws IOException
    {
        final Path data = work.resolve("data");
        try (RunningNode node = new RunningNode(data, new JournalConfig().snapshotEveryInputs(500).minFreeBytes(0)))
        {
            node.drive(new CommandGenerator(7, 100, RunningNode.ENGINE.minHoldTtlMs(), RunningNode.ENGINE.maxHoldTtlMs(),
                1_700_000_000_000L), 1_200, true);
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (new SnapshotStore(data.resolve("snapshots")).list().isEmpty() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
        }
        final List<Path> snapshots = new SnapshotStore(data.resolve("snapshots")).list();
        assertThat(snapshots).isNotEmpty();
        assertPrivate(data);
        for (final Path directory : List.of(data, data.resolve("inputs"), data.resolve("events"), data.resolve("snapshots")))
        {
            assertThat(mode(directory)).as("%s", directory).isEqualTo("rwx------");
        }
        for (final Path written : List.of(data.resolve(DataDirectory.META_FILE), data.resolve("node.lock"),
            data.resolve("inputs.watermark"), data.resolve("events.watermark"), snapshots.get(0)))
        {
            assertThat(mode(written)).as("%s", written).isEqualTo("rw-------");
        }
    }

    @Test
    void anExistingDirectoryOthersCouldEnterIsTightenedWithAWarning() throws IOException
    {
        final Path data = work.resolve("data");
        try (RunningNode node = new RunningNode(data, new JournalConfig().snapshotEveryInputs(0).minFreeBytes(0)))
        {
            node.drive(new CommandGenerator(8, 100, RunningNode.ENGINE.minHoldTtlMs(), RunningNode.ENGINE.maxHoldTtlMs(),
                1_700_000_000_000L), 10, true);
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8)); // slf4j-simple writes to the current System.err
        try (RunningNode node = new RunningNode(data, new JournalConfig().snapshotEveryInputs(0).minFreeBytes(0)))
        {
            assertThat(node.journal.engine().lastSequence()).isPositive();
        }
        finally
        {
            System.setErr(original);
        }
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("WARN").contains(data.toString()).contains("rwxr-xr-x");
        assertPrivate(data);
    }

    /** Every file and directory under {@code root}: another user cannot reach it. */
    private static void assertPrivate(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.toList())
            {
                assertThat(reachableByOthers(root, path)).as("%s (%s) is out of other users' reach", path, mode(path)).isFalse();
            }
        }
    }

    /** @return true if a user other than the owner (in its group or not) can get at {@code path}'s contents. */
    private static boolean reachableByOthers(final Path root, final Path path) throws IOException
    {
        for (Path directory = path.getParent(); directory != null && directory.startsWith(root); directory = directory.getParent())
        {
            final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory);
            if (!mode.contains(PosixFilePermission.GROUP_EXECUTE) && !mode.contains(PosixFilePermission.OTHERS_EXECUTE))
            {
                return false;
            }
        }
        final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
        return mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ) ||
            mode.contains(PosixFilePermission.GROUP_EXECUTE) || mode.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    private static String mode(final Path path) throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
