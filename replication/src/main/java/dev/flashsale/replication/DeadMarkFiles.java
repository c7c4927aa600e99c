package dev.flashsale.replication;

import io.aeron.archive.ArchiveMarkFile;
import io.aeron.cluster.service.ClusterMarkFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the mark files (and their link files) that the archive, the consensus module and the
 * service container of a dead process left in a member's {@code aeron/} directories.
 *
 * <p>Aeron refuses to start a component while its mark file looks active ("active Mark file
 * detected") until the file's activity timestamp is older than a liveness timeout (about 10 s), so a
 * member restarted at once after a kill -9 failed. The caller holds the data directory's node lock,
 * which every member takes before it starts any Aeron component: so whoever wrote these files is
 * gone, and they can go too. Only mark and link files are deleted: never the archive's catalog or
 * recordings, the recording log, or the node-state file (the member's vote).
 *
 * <p>The media driver's directory is not touched here: the driver deletes it on start.
 */
final class DeadMarkFiles
{
    private static final Logger LOG = LoggerFactory.getLogger(DeadMarkFiles.class);

    private DeadMarkFiles()
    {
    }

    /**
     * Call only with the node lock held.
     *
     * @param archiveDirectory the archive's directory.
     * @param clusterDirectory the consensus module's and service container's directory.
     * @param serviceCount     services in the container.
     * @return the files deleted, each also named in a WARN.
     */
    static List<Path> delete(final Path archiveDirectory, final Path clusterDirectory, final int serviceCount)
    {
        final List<Path> candidates = new ArrayList<>(List.of(
            archiveDirectory.resolve(ArchiveMarkFile.FILENAME), archiveDirectory.resolve(ArchiveMarkFile.LINK_FILENAME),
            clusterDirectory.resolve(ClusterMarkFile.FILENAME), clusterDirectory.resolve(ClusterMarkFile.LINK_FILENAME)));
        for (int service = 0; service < serviceCount; service++)
        {
            candidates.add(clusterDirectory.resolve(ClusterMarkFile.markFilenameForService(service)));
            candidates.add(clusterDirectory.resolve(ClusterMarkFile.linkFilenameForService(service)));
        }
        final List<Path> deleted = new ArrayList<>();
        for (final Path file : candidates)
        {
            try
            {
                if (Files.deleteIfExists(file))
                {
                    deleted.add(file);
                    LOG.warn("deleted {}: left by this member's previous process, which is gone (this one holds the data" +
                        " directory's lock), so Aeron need not wait for the file to look inactive", file);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete the dead process's mark file " + file + ": " + ex.getMessage(), ex);
            }
        }
        return deleted;
    }
}
