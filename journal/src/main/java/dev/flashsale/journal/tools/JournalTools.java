package dev.flashsale.journal.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The {@code flashsale journal} tools over a data directory. Reading tools refuse a directory a
 * node runs on unless {@code live} is set; changing tools take the node lock. Each reports on
 * {@code out}; errors are {@link dev.flashsale.journal.JournalException}s with a message for people.
 */
public final class JournalTools
{
    private JournalTools()
    {
    }

    /**
     * Prints inputs (and their events) matching the filters; {@code 0} / null for "any".
     *
     * @return inputs printed.
     */
    public static long dump(
        final Path root,
        final boolean live,
        final PrintWriter out,
        final boolean json,
        final boolean withEvents,
        final long fromSequence,
        final long toSequence,
        final long fromTimeMs,
        final long toTimeMs,
        final String sku,
        final long customerId,
        final long checkoutId)
    {
        try (ToolContext context = ToolContext.forReading(root, live))
        {
            return new Dump(context, out, json).run(
                new Dump.Filter(fromSequence, toSequence, fromTimeMs, toTimeMs, sku, customerId, checkoutId), withEvents);
        }
    }

    /** @return true if the invariants hold at the end of the replay. */
    public static boolean replay(
        final Path root,
        final boolean live,
        final PrintWriter out,
        final long toSequence,
        final long toTimeMs,
        final boolean fromScratch,
        final Path snapshotOut) throws IOException
    {
        try (ToolContext context = ToolContext.forReading(root, live))
        {
            return new ReplayTool(context, out).run(toSequence, toTimeMs, fromScratch, snapshotOut);
        }
    }

    /** @return true if nothing is wrong. */
    public static boolean verify(final Path root, final boolean live, final PrintWriter out) throws IOException
    {
        try (ToolContext context = ToolContext.forReading(root, live))
        {
            return new Verify(context, out).run();
        }
    }

    public static void stats(final Path root, final boolean live, final PrintWriter out)
    {
        try (ToolContext context = ToolContext.forReading(root, live))
        {
            new Stats(context, out).run();
        }
    }

    public static void truncate(final Path root, final long afterSequence, final PrintWriter out) throws IOException
    {
        try (ToolContext context = ToolContext.forChanging(root))
        {
            new Repair(context, out).truncate(afterSequence);
        }
    }

    public static void rebuildEvents(final Path root, final PrintWriter out) throws IOException
    {
        try (ToolContext context = ToolContext.forChanging(root))
        {
            new Repair(context, out).rebuildEvents();
        }
    }
}
