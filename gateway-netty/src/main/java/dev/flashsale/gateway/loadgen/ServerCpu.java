package dev.flashsale.gateway.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time a server process on this machine used in the measured window, as a whole and per
 * thread, from Linux's {@code /proc/<pid>/stat} and {@code /proc/<pid>/task/<tid>/stat} (utime +
 * stime, in clock ticks of {@value #TICKS_PER_SECOND} per second, the USER_HZ that /proc reports in
 * on Linux). Sampled by the load generator's calling thread when the window opens and when its
 * last connection finishes, so the server's warm-up and the SKU setup are not counted. Elsewhere
 * (no /proc, the process gone) a sample is null and the report says the CPU is unknown.
 */
final class ServerCpu
{
    /** USER_HZ: the unit of utime and stime in /proc on Linux, 100 on every architecture it runs on. */
    static final long TICKS_PER_SECOND = 100;
    /** Threads listed in a report, the busiest first. */
    static final int TOP_THREADS = 8;

    /** CPU ticks of the process and of each live thread (by thread id), at one System.nanoTime(). */
    record Sample(long nanoTime, long processTicks, Map<Long, ThreadTicks> threads)
    {
    }

    /** A thread's name (its {@code comm}, at most 15 characters) and CPU ticks. */
    record ThreadTicks(String name, long ticks)
    {
    }

    /** A thread's share of the window: cores it used on average. */
    record ThreadUsage(String name, double cores)
    {
    }

    /** What the server used over the window: seconds of wall time, cores on average, its busiest threads. */
    record Usage(long pid, double seconds, double cores, List<ThreadUsage> threads)
    {
    }

    private ServerCpu()
    {
    }

    /** @return the process's and its threads' CPU ticks now, or null if they cannot be read. */
    static Sample sample(final long pid)
    {
        final Path process = Path.of("/proc", Long.toString(pid));
        try
        {
            final long nanoTime = System.nanoTime();
            final long processTicks = ticks(Files.readString(process.resolve("stat"), StandardCharsets.US_ASCII));
            final Map<Long, ThreadTicks> threads = new HashMap<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(process.resolve("task")))
            {
                for (final Path task : tasks)
                {
                    try
                    {
                        final String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                        threads.put(Long.parseLong(task.getFileName().toString()),
                            new ThreadTicks(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks(stat)));
                    }
                    catch (final IOException ex)
                    {
                        // the thread ended between the listing and the read: it is not counted
                    }
                }
            }
            return new Sample(nanoTime, processTicks, threads);
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /** @return the usage between two samples of the same process, or null if either is missing. */
    static Usage between(final long pid, final Sample before, final Sample after)
    {
        if (before == null || after == null || after.nanoTime() <= before.nanoTime())
        {
            return null;
        }
        final double seconds = (after.nanoTime() - before.nanoTime()) / 1e9;
        final List<ThreadUsage> threads = new ArrayList<>();
        for (final Map.Entry<Long, ThreadTicks> thread : after.threads().entrySet())
        {
            final ThreadTicks earlier = before.threads().get(thread.getKey());
            final long ticks = thread.getValue().ticks() - (earlier == null ? 0 : earlier.ticks());
            threads.add(new ThreadUsage(thread.getValue().name(), ticks / (double)TICKS_PER_SECOND / seconds));
        }
        threads.sort((a, b) -> Double.compare(b.cores(), a.cores()));
        final double cores = (after.processTicks() - before.processTicks()) / (double)TICKS_PER_SECOND / seconds;
        return new Usage(pid, seconds, cores, List.copyOf(threads.subList(0, Math.min(TOP_THREADS, threads.size()))));
    }

    /** utime + stime: fields 14 and 15 of a stat line, counted after the command name, which may hold spaces. */
    private static long ticks(final String stat)
    {
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
