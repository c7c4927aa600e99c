package dev.flashsale.server.node;

import dev.flashsale.gateway.PrometheusText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the node's data directory, on {@code /metrics}: the journaller stops intake below
 * {@code journal.min-free-bytes} (the node turns not ready), so an operator needs to see the disk filling
 * before that, not after. Read at each scrape, one {@code statvfs}.
 */
final class DataDirectorySpace
{
    private final Path dataDirectory;
    private final long minFreeBytes;

    DataDirectorySpace(final Path dataDirectory, final long minFreeBytes)
    {
        this.dataDirectory = dataDirectory;
        this.minFreeBytes = minFreeBytes;
    }

    /** @return bytes a non-root writer can still use in the data directory's file system; -1 if it cannot be read. */
    long usableBytes()
    {
        try
        {
            return Files.getFileStore(dataDirectory).getUsableSpace();
        }
        catch (final IOException | SecurityException ex)
        {
            return -1; // the directory is gone or unreadable: the journaller's own check stops intake and says why
        }
    }

    void renderMetrics(final StringBuilder out)
    {
        PrometheusText.gauge(out, "flashsale_journal_free_bytes", "Bytes free for the node in its data directory's file" +
            " system; -1 if it cannot be read.", usableBytes());
        PrometheusText.gauge(out, "flashsale_journal_min_free_bytes", "journal.min-free-bytes: below this free space the" +
            " journaller stops intake and the node is not ready.", minFreeBytes);
    }
}
