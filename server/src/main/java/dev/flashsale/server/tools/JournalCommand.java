package dev.flashsale.server.tools;

import dev.flashsale.journal.tools.JournalTools;
import dev.flashsale.server.FlashsaleCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/** {@code flashsale journal ...}: look into, check and repair a node's data directory. */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Inspect, check and repair a node's data directory (journals and snapshots).",
    subcommands = {
        JournalCommand.Dump.class,
        JournalCommand.Replay.class,
        JournalCommand.Verify.class,
        JournalCommand.Stats.class,
        JournalCommand.Truncate.class,
        JournalCommand.RebuildEvents.class})
public final class JournalCommand implements Runnable
{
    @Spec
    private CommandSpec spec;

    @Override
    public void run()
    {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "a journal tool is required: dump, replay, verify, stats, truncate or rebuild-events");
    }

    /** Options every journal tool takes. */
    static final class Directory
    {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "flashsale-data",
            description = "The node's data directory (default: ${DEFAULT-VALUE}).")
        Path dataDirectory;
    }

    /** Options of the tools that only read. */
    static final class Reading
    {
        @Option(names = "--live", description = "Read the journal of a node that is running (read-only).")
        boolean live;
    }

    /** Parses a time given as epoch milliseconds or ISO-8601 ({@code 2026-11-28T10:00:00Z}). */
    static long time(final String text)
    {
        if (text.chars().allMatch(Character::isDigit))
        {
            return Long.parseLong(text);
        }
        try
        {
            return Instant.parse(text).toEpochMilli();
        }
        catch (final DateTimeParseException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is neither epoch milliseconds nor an ISO-8601 instant");
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print inputs (and with --events their events) as text or JSON lines, filtered.")
    static final class Dump implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Directory directory;
        @Mixin
        Reading reading;
        @Option(names = "--events", description = "Print each input's events after it.")
        boolean events;
        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;
        @Option(names = "--from-seq", paramLabel = "N", description = "First input sequence.")
        long fromSequence;
        @Option(names = "--to-seq", paramLabel = "N", description = "Last input sequence.")
        Long toSequence;
        @Option(names = "--from-time", paramLabel = "TIME", description = "Inputs stamped at or after (ms or ISO-8601).")
        String fromTime;
        @Option(names = "--to-time", paramLabel = "TIME", description = "Inputs stamped at or before (ms or ISO-8601).")
        String toTime;
        @Option(names = "--sku", paramLabel = "CODE", description = "Inputs that name this SKU.")
        String sku;
        @Option(names = "--customer", paramLabel = "ID", description = "Inputs of this customer.")
        long customer;
        @Option(names = "--checkout", paramLabel = "ID", description = "Inputs about this checkout (needs the event journal" +
            " to find the reserve that made it).")
        long checkout;

        @Override
        public Integer call()
        {
            final PrintWriter out = spec.commandLine().getOut();
            JournalTools.dump(directory.dataDirectory, reading.live, out, json, events, fromSequence,
                toSequence == null ? Long.MAX_VALUE : toSequence, fromTime == null ? Long.MIN_VALUE : time(fromTime),
                toTime == null ? Long.MAX_VALUE : time(toTime), sku, customer, checkout);
            return FlashsaleCommand.EXIT_OK;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
        header = "Rebuild the state offline to an input sequence or a time.",
        description = {"Rebuild the state offline to an input sequence or a time; print the state hash, every SKU's",
            "counters and the invariant check. Exits 1 if an invariant is broken."})
    static final class Replay implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Directory directory;
        @Mixin
        Reading reading;
        @Option(names = "--to", paramLabel = "SEQ|TIME",
            description = "Stop after this input sequence, or after the last input stamped at or before this time" +
                " (ISO-8601); default: the end.")
        String to;
        @Option(names = "--from-scratch", description = "Replay from the first input, not from the nearest snapshot.")
        boolean fromScratch;
        @Option(names = "--snapshot-out", paramLabel = "FILE", description = "Write a snapshot of the state reached.")
        Path snapshotOut;

        @Override
        public Integer call() throws Exception
        {
            long toSequence = Long.MAX_VALUE;
            long toTimeMs = Long.MAX_VALUE;
            if (to != null && to.chars().allMatch(Character::isDigit))
            {
                toSequence = Long.parseLong(to);
            }
            else if (to != null)
            {
                toTimeMs = time(to);
            }
            final boolean healthy = JournalTools.replay(directory.dataDirectory, reading.live, spec.commandLine().getOut(),
                toSequence, toTimeMs, fromScratch, snapshotOut);
            return healthy ? FlashsaleCommand.EXIT_OK : FlashsaleCommand.EXIT_FAILED;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Check both journals, the watermarks and every snapshot, and replay them.",
        description = {"Check both journals record by record, the watermarks, every snapshot, and that a replay from",
            "scratch reproduces each snapshot's state hash and the event journal. Exits 1 on any problem."})
    static final class Verify implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Directory directory;
        @Mixin
        Reading reading;

        @Override
        public Integer call() throws Exception
        {
            return JournalTools.verify(directory.dataDirectory, reading.live, spec.commandLine().getOut()) ?
                FlashsaleCommand.EXIT_OK : FlashsaleCommand.EXIT_FAILED;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Inputs by command and result, events by type, and the input rate over time.")
    static final class Stats implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Directory directory;
        @Mixin
        Reading reading;

        @Override
        public Integer call()
        {
            JournalTools.stats(directory.dataDirectory, reading.live, spec.commandLine().getOut());
            return FlashsaleCommand.EXIT_OK;
        }
    }

    @Command(name = "truncate", mixinStandardHelpOptions = true,
        header = "Move a torn tail of the input journal aside.",
        description = {"Keep inputs 1..N and move the rest of the input journal aside (a torn tail), with every",
            "snapshot; rebuild the event journal. The node must be stopped. Nothing is deleted."})
    static final class Truncate implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Directory directory;
        @Option(names = "--after", paramLabel = "N", required = true, description = "The last input sequence to keep.")
        long after;

        @Override
        public Integer call() throws Exception
        {
            if (after < 0)
            {
                throw new IllegalArgumentException("--after must be 0 or more");
            }
            JournalTools.truncate(directory.dataDirectory, after, spec.commandLine().getOut());
            return FlashsaleCommand.EXIT_OK;
        }
    }

    @Command(name = "rebuild-events", mixinStandardHelpOptions = true,
        description = "Regenerate the event journal from the input journal (the old one is moved aside). Node stopped.")
    static final class RebuildEvents implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;
        @Mixin
        Directory directory;

        @Override
        public Integer call() throws Exception
        {
            JournalTools.rebuildEvents(directory.dataDirectory, spec.commandLine().getOut());
            return FlashsaleCommand.EXIT_OK;
        }
    }
}
